using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Requests;

namespace PlantFunctions.Host.Api;

/// <summary>
/// The one place refusals become HTTP answers: an endpoint filter that turns <see cref="PlantRequestException"/> into its
/// status (400/404/409/410/413) with <see cref="ErrorResponse"/>, and a body over Kestrel's limit into 413.
/// </summary>
internal static class RequestErrors
{
    /// <summary>An error answer.</summary>
    public static IResult Error(int status, string reason) => Results.Json(new ErrorResponse(reason), statusCode: status);

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
                return Error((int)ex.Error, ex.Message);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Error(StatusCodes.Status413PayloadTooLarge, ex.Message);
            }
        });
}
