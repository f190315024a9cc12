package dev.agentguard.proxy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and memory of a process, read from {@code /proc} (see proc(5)). */
final class ProcStat {

    /** Linux's USER_HZ: the unit of utime and stime in {@code /proc/<pid>/stat}. */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcStat() {
    }

    /** utime + stime of a process, in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // The command name (field 2) may hold spaces; the fields after its ')' do not.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    static double cpuMillis(long ticks) {
        return ticks * 1000.0 / CLOCK_TICKS_PER_SECOND;
    }

    /** A {@code Vm*} line of {@code /proc/<pid>/status} (VmRSS, VmHWM), in KiB. */
    static long memoryKiB(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
    }
}
