using Microsoft.OpenApi;

namespace Fulcrum.Appliance.Management;

/// <summary>
/// Describes a JSON request body in the OpenAPI document without <c>Accepts&lt;T&gt;()</c>. <c>Accepts</c> also makes
/// routing refuse other content types itself, with a bare 415 from an endpoint that has no auth metadata (so an
/// anonymous caller even gets 401); the handlers check the content type themselves and answer with a problem document.
/// </summary>
internal static class OpenApiJsonBody
{
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder, bool required = true) =>
        builder.AcceptsJson(typeof(T), required);

    public static RouteHandlerBuilder AcceptsJson(this RouteHandlerBuilder builder, Type type, bool required = true) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancel) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(type, null, cancel);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = required,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });
}
