using Buurtzorg.Api.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;

namespace Buurtzorg.Silo;

/// <summary>
/// <c>call Service/Method '{json}' [--target url] [--token jwt] [--reason text]</c>: one unary gRPC call with a JSON
/// request, for trying the API from a shell without installing a gRPC tool. It uses the same generated contract the
/// server does. The token may also come from the environment variable BUURTZORG_TOKEN.
/// </summary>
public static class CallCommand
{
    private static readonly FileDescriptor[] Contract =
    [
        TeamServiceReflection.Descriptor,
        NurseServiceReflection.Descriptor,
        ReferralServiceReflection.Descriptor,
        CareRecordServiceReflection.Descriptor,
        Grpc.Health.V1.HealthReflection.Descriptor,
    ];

    public static async Task<int> Run(string[] args)
    {
        var target = Option(args, "--target") ?? SiloHost.DefaultUrl;
        var token = Option(args, "--token") ?? Environment.GetEnvironmentVariable("BUURTZORG_TOKEN");
        var reason = Option(args, "--reason");
        string[] valued = ["--target", "--token", "--reason"];
        var positional = args.Skip(1).Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && !valued.Contains(args[i])).ToList();
        if (positional.Count is < 1 or > 2 || !positional[0].Contains('/', StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync("usage: call <package.Service>/<Method> ['{json request}'] [--target http://localhost:5000]");
            return 2;
        }
        var (serviceName, methodName) = (positional[0][..positional[0].LastIndexOf('/')], positional[0][(positional[0].LastIndexOf('/') + 1)..]);
        var service = Contract.SelectMany(f => f.Services).FirstOrDefault(s => s.FullName == serviceName || s.Name == serviceName);
        var method = service?.FindMethodByName(methodName);
        if (method is null || method.IsClientStreaming || method.IsServerStreaming)
        {
            await Console.Error.WriteLineAsync($"No unary method {positional[0]}. Services: {string.Join(", ", Contract.SelectMany(f => f.Services).Select(s => s.FullName))}");
            return 2;
        }

        var request = JsonParser.Default.Parse(positional.Count == 2 ? positional[1] : "{}", method.InputType);
        var call = new Method<IMessage, IMessage>(MethodType.Unary, service!.FullName, method.Name,
            Marshallers.Create((IMessage m) => m.ToByteArray(), method.InputType.Parser.ParseFrom),
            Marshallers.Create((IMessage m) => m.ToByteArray(), method.OutputType.Parser.ParseFrom));
        using var channel = GrpcChannel.ForAddress(target);
        try
        {
            var headers = new Metadata();
            if (token is not null) headers.Add("authorization", $"Bearer {token}");
            if (reason is not null) headers.Add("x-access-reason", reason);
            var response = await channel.CreateCallInvoker().AsyncUnaryCall(call, null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(30)), request);
            Console.WriteLine(new JsonFormatter(JsonFormatter.Settings.Default.WithIndentation()).Format(response));
            return 0;
        }
        catch (RpcException e)
        {
            await Console.Error.WriteLineAsync($"{e.StatusCode}: {e.Status.Detail}");
            return 1;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
