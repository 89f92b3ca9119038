#!/usr/bin/env python3
"""
Where a silo's managed CPU goes, from a dotnet-trace sampled-thread-time trace converted to Speedscope:

    dotnet-trace collect -p <silo pid> --profile dotnet-sampled-thread-time --duration 00:00:00:15 --format Speedscope -o run.nettrace
    tools/profile/managed-cpu.py run.speedscope.json [top N]

The sampler marks each thread sample CPU_TIME (running managed code) or UNMANAGED_CODE_TIME (native code or waiting);
only CPU_TIME samples are counted, so idle threads do not drown the picture. Some waits are still marked running
(the finalizer thread's wait, the thread pool's semaphore, where it also spins): samples whose innermost frame is one of
those are counted apart as "idle or spinning" and the shares are of the rest. Native work (the GC, the kernel's side of
sockets) is not in these shares: see tools/profile/cpu-split.sh for whole processes.
"""
import collections
import json
import re
import sys

GROUPS = {
    "gRPC, Kestrel, HTTP/2": r"Grpc\.|Kestrel|Http2",
    "Protobuf (messages to bytes)": r"Google\.Protobuf|CalculateSize|InternalWriteTo",
    "JWT validation, authentication": r"IdentityModel|JwtBearer|Authentication",
    "Orleans runtime": r"Orleans\.",
    "Npgsql": r"Npgsql",
    "System.Text.Json": r"System\.Text\.Json",
    "Buurtzorg domain": r"Buurtzorg\.Domain!",
    "Buurtzorg grains": r"Buurtzorg\.Grains!",
    "Buurtzorg API (services, mapping, interceptors)": r"Buurtzorg\.Api!",
    "GC polling (allocation pressure)": r"PollGC",
}


IDLE = re.compile(r"GC\.RunFinalizers|LowLevelLifoSemaphore\.(Wait|WaitForSignal)|WorkerThread\.WorkerThreadStart|"
                  r"WaitHandle\.WaitOne|Monitor\.Wait|Thread\.Sleep|FileSystemWatcher")


def main():
    trace = json.load(open(sys.argv[1]))
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    names = [f["name"] for f in trace["shared"]["frames"]]
    exclusive, inclusive, groups = collections.Counter(), collections.Counter(), collections.Counter()
    busy = idle = 0.0
    for profile in trace["profiles"]:
        stack, last = [], None
        for event in profile["events"]:
            at = event["at"]
            if last is not None and len(stack) > 1 and names[stack[-1]] == "CPU_TIME" and IDLE.search(names[stack[-2]]):
                idle += at - last
            elif last is not None and len(stack) > 1 and names[stack[-1]] == "CPU_TIME":
                spent = at - last
                busy += spent
                exclusive[names[stack[-2]]] += spent
                frames = {names[f] for f in stack}
                for frame in frames:
                    inclusive[frame] += spent
                joined = "\n".join(frames)
                for group, pattern in GROUPS.items():
                    if re.search(pattern, joined):
                        groups[group] += spent
            last = at
            if event["type"] == "O":
                stack.append(event["frame"])
            else:
                while stack and stack.pop() != event["frame"]:
                    pass
    if busy == 0:
        sys.exit("no CPU_TIME samples in this trace")
    print(f"managed CPU sampled: {busy / 1000:.1f} s working, {idle / 1000:.1f} s idle or spinning "
          f"({100 * idle / (busy + idle):.0f} % of the samples marked running)")
    print("\nshare of the working managed CPU whose stack includes (groups overlap):")
    for group, spent in groups.most_common():
        print(f"  {100 * spent / busy:5.1f} %  {group}")
    print("\nhottest methods (exclusive):")
    for frame, spent in exclusive.most_common(top):
        print(f"  {100 * spent / busy:5.1f} %  {frame[:140]}")
    print("\nour methods (inclusive):")
    ours = [(f, s) for f, s in inclusive.most_common() if re.match(r"Buurtzorg\.(Api|Domain|Grains|Storage)!", f)]
    for frame, spent in ours[:top]:
        print(f"  {100 * spent / busy:5.1f} %  {frame[:140]}")


if __name__ == "__main__":
    main()
