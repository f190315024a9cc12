package dev.agentguard.proxy.bench;

import java.util.List;
import java.util.OptionalDouble;

import dev.agentguard.testing.bench.Samples;

/**
 * One request on one path with a number of concurrent clients: a warm-up, then the
 * measured requests, with the CPU of the processes in between read around them. Every
 * answer is checked before the row is made, so no figure is made of wrong answers.
 */
final class ApiLoad {

    private ApiLoad() {
    }

    static ApiRow measure(ApiRequest request, ApiPath path, List<ApiClient> clients) throws Exception {
        String url = path.base() + request.path();
        Expected expected = request.expected(path);
        int warmup = ApiBenchParameters.perClient(ApiBenchParameters.warmup(request.runs()), clients.size());
        ConcurrentGets.Result warm = ConcurrentGets.run(clients, url, warmup);
        warm.answers().forEach(answer -> answer.check(expected));

        long ticksBefore = hopTicks(path);
        ConcurrentGets.Result measured = ConcurrentGets.run(clients, url,
                ApiBenchParameters.perClient(request.runs(), clients.size()));
        long ticks = hopTicks(path) - ticksBefore;
        measured.answers().forEach(answer -> answer.check(expected));

        int requests = measured.answers().size();
        OptionalDouble cpu = path.hops().isEmpty() ? OptionalDouble.empty()
                : OptionalDouble.of(ProcStat.cpuMillis(ticks) * 1000 / requests);
        return new ApiRow(path.name(), clients.size(),
                Samples.of(measured.answers().stream().mapToLong(Answer::nanos).toArray()), measured.wallNanos(), cpu,
                warm.answers().size() + requests);
    }

    private static long hopTicks(ApiPath path) throws Exception {
        long ticks = 0;
        for (long pid : path.hops()) {
            ticks += ProcStat.cpuTicks(pid);
        }
        return ticks;
    }
}
