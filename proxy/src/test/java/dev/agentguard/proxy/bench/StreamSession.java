package dev.agentguard.proxy.bench;

import dev.agentguard.testing.bench.WrongAnswer;

/**
 * One streaming exec as it ended: stdout bytes received (checked against what the command
 * prints), whether the whole output and a {@code Success} Status came, and when the first
 * byte arrived and the session closed, from the handshake.
 */
record StreamSession(long bytes, boolean complete, long totalNanos, long firstByteNanos) {

    /**
     * What a session on {@code path} must have given. A session may end short, with or
     * without its Status: kube-apiserver's WebSocket translation can end a session while
     * output is still on its way when the reader is slow (kubernetes/kubernetes#124571).
     * Such a session is counted, not a failure, as long as what came is a true beginning of
     * the output. Anything else is a wrong answer: other bytes than the command prints, more
     * of them, or a Status other than Success.
     */
    static StreamSession of(String path, Workload workload, long expectedBytes, ExecClient client) {
        String status = client.status();
        boolean success = status.contains("\"Success\"");
        if (!success && !status.isEmpty()) {
            throw new WrongAnswer(path + " exec of " + workload.uri(), "ended with Status " + status);
        }
        if (client.stdoutBytes() > expectedBytes) {
            throw new WrongAnswer(path + " exec of " + workload.uri(), "streamed " + client.stdoutBytes()
                    + " bytes, more than the " + expectedBytes + " the command prints");
        }
        if (client.stdoutCrc32() != workload.output().crc32(client.stdoutBytes())) {
            throw new WrongAnswer(path + " exec of " + workload.uri(), "the " + client.stdoutBytes()
                    + " bytes of stdout received are not what the command prints (CRC32 differs)");
        }
        return new StreamSession(client.stdoutBytes(), success && client.stdoutBytes() == expectedBytes,
                client.closedNanos() - client.openedNanos(), client.firstStdoutNanos() - client.openedNanos());
    }

    /** MiB/s from the first byte to the close: the stream, without the session's set-up (0 without a byte). */
    double rate() {
        return bytes == 0 ? 0 : bytes / (double) ExecBenchParameters.MIB / ((totalNanos - firstByteNanos) / 1e9);
    }
}
