using Grpc.Core;
using Hl7.Fhir.Model;

namespace Buurtzorg.Api.Fhir.Rest;

/// <summary>
/// Every refusal and failure of the FHIR REST face as an OperationOutcome with its HTTP status, from the one mapping
/// of failures the gRPC services use (<see cref="ErrorInterceptor"/>): the same message, written for a person to read
/// and free of patient data, and the same machine-readable reason where there is one.
/// </summary>
internal static class FhirOutcomes
{
    /// <summary>The code system of the reasons a refusal carries (those of common.proto, as gRPC's buurtzorg-reason).</summary>
    public const string ReasonSystem = "https://fhir.buurtzorg.example/CodeSystem/refusal-reason";

    public static FhirAnswer Refused(int status, string message, string? reason = null)
    {
        var issue = new OperationOutcome.IssueComponent
        {
            Severity = status >= 500 ? OperationOutcome.IssueSeverity.Fatal : OperationOutcome.IssueSeverity.Error,
            Code = IssueType(status),
            Details = new CodeableConcept { Text = message },
        };
        if (reason is not null) issue.Details.Coding.Add(new Coding(ReasonSystem, reason));
        return new FhirAnswer(status, new OperationOutcome { Issue = [issue] });
    }

    /// <summary>A failure as the gRPC layer answers it (status, message, reason), with the matching HTTP status.</summary>
    public static FhirAnswer Of(RpcException answer) =>
        Refused(HttpStatus(answer.StatusCode), answer.Status.Detail, answer.Trailers.GetValue(ErrorInterceptor.ReasonTrailer));

    public static int HttpStatus(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.OutOfRange => 400,
        StatusCode.Unauthenticated => 401,
        StatusCode.PermissionDenied => 403,
        StatusCode.NotFound => 404,
        StatusCode.AlreadyExists or StatusCode.Aborted => 409,
        // A rule of the care the request breaks (a closed team, a full inbox): the request was understood, not carried out.
        StatusCode.FailedPrecondition => 422,
        StatusCode.ResourceExhausted => 429,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled => 503,
        _ => 500,
    };

    private static OperationOutcome.IssueType IssueType(int status) => status switch
    {
        400 or 413 or 415 => OperationOutcome.IssueType.Invalid,
        401 => OperationOutcome.IssueType.Login,
        403 => OperationOutcome.IssueType.Forbidden,
        404 => OperationOutcome.IssueType.NotFound,
        409 => OperationOutcome.IssueType.Conflict,
        422 => OperationOutcome.IssueType.BusinessRule,
        429 or 503 => OperationOutcome.IssueType.Transient,
        _ => OperationOutcome.IssueType.Exception,
    };
}

/// <summary>A resource and the HTTP status it is sent with (and, for a created resource, where it lives).</summary>
internal sealed record FhirAnswer(int Status, Resource Resource, string? Location = null);
