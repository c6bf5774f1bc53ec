using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Requests;

namespace PlantFunctions.Host.Api;

/// <summary>
/// The one place refusals become HTTP answers: an endpoint filter that turns <see cref="PlantRequestException"/> into
/// 400/404/409/410 with <see cref="ErrorResponse"/>, and an oversized body into 413.
/// </summary>
internal static class RequestErrors
{
    /// <summary>An error answer.</summary>
    public static IResult Error(int status, string reason) => Results.Json(new ErrorResponse(reason), statusCode: status);

    /// <summary>The HTTP status of a refusal.</summary>
    public static int StatusOf(PlantRequestError error) => error switch
    {
        PlantRequestError.NotFound => StatusCodes.Status404NotFound,
        PlantRequestError.Conflict => StatusCodes.Status409Conflict,
        PlantRequestError.Gone => StatusCodes.Status410Gone,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>Adds the filter to a group of routes.</summary>
    public static TBuilder WithRequestErrors<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (PlantRequestException ex)
            {
                return Error(StatusOf(ex.Error), ex.Message);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Error(StatusCodes.Status413PayloadTooLarge, ex.Message);
            }
        });
}
