package dev.agentguard.proxy.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * CPU ticks of every process taking part in an exec: kube-apiserver and kwok (found by
 * their arguments, so another test run's are not counted; n/a when not found), the shim,
 * the proxy, and the benchmark's own JVM as the client.
 */
final class CpuMeter {

    private final Map<String, OptionalLong> controlPlane = new LinkedHashMap<>();

    CpuMeter(int apiServerPort, String kwokKubeconfig) {
        controlPlane.put("kube-apiserver", pidOf("kube-apiserver", "--secure-port=" + apiServerPort));
        controlPlane.put("kwok", pidOf("kwok", "--kubeconfig=" + kwokKubeconfig));
    }

    /** The columns, in order. */
    List<String> components() {
        List<String> names = new ArrayList<>(controlPlane.keySet());
        names.addAll(List.of("exec-shim", "proxy", "client"));
        return names;
    }

    /** Each component's ticks now; a control-plane process that was not found is left out. */
    Map<String, Long> read(Proxied proxied) throws Exception {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (var entry : controlPlane.entrySet()) {
            if (entry.getValue().isPresent()) {
                ticks.put(entry.getKey(), ProcStat.cpuTicks(entry.getValue().getAsLong()));
            }
        }
        ticks.put("exec-shim", ProcStat.cpuTicks(proxied.shim().pid()));
        ticks.put("proxy", ProcStat.cpuTicks(proxied.proxy().app().pid()));
        ticks.put("client", ProcStat.cpuTicks(ProcessHandle.current().pid()));
        return ticks;
    }

    private static OptionalLong pidOf(String binary, String argument) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/" + binary)).orElse(false))
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(argument)).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst();
    }
}
