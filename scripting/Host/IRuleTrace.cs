using Jint.Native;

namespace Fulcrum.Scripting.Host;

/// <summary>Receives every host call and log line of a connection (the test bench's trace).</summary>
internal interface IRuleTrace
{
    void Call(string name, JsValue[] args);

    void Log(string level, string message);
}
