package dev.agentguard.proxy.bench;

import java.util.List;

/** A workload streamed on every path; the first path is the direct one the others are compared with. */
record WorkloadStreams(Workload workload, List<PathStreams> paths) {
}
