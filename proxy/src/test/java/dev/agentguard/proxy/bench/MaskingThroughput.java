package dev.agentguard.proxy.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.api.policy.Glob;
import dev.agentguard.proxy.masking.JsonStreamMasker;
import dev.agentguard.proxy.masking.MaskingPlan;
import dev.agentguard.proxy.masking.ObjectMasker;
import dev.agentguard.testing.bench.WrongAnswer;

/**
 * Single-threaded masking of a real LIST body of Secrets: the per-core throughput of the
 * masker, without the network. Every run must mask every value; the first run's output is
 * checked as the proxy's answer would be.
 */
final class MaskingThroughput {

    private static final int CHUNK = 16 * 1024;
    private static final int WARMUP_RUNS = 30;

    /** What one masking run of the body gave. */
    private record Masked(byte[] output, int values) {
    }

    /** The body (its Secrets and size), the measured runs, and the rate of each way of masking. */
    record Result(int secrets, int bodyBytes, int runs, double tokenMibPerSecond, double treeMibPerSecond) {

        String markdown() {
            return String.format("Masking throughput (JsonStreamMasker, one thread, LIST of %d Secrets = %.1f MiB,"
                    + " 16 KiB chunks, %d runs): **%.0f MiB/s per core** token by token (Secrets, ConfigMap keys),"
                    + " %.0f MiB/s decoding each object (plans with container env)%n", secrets,
                    bodyBytes / (1024.0 * 1024), runs, tokenMibPerSecond, treeMibPerSecond);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final MaskingPlan plan;

    private MaskingThroughput(MaskingPlan plan) {
        this.plan = plan;
    }

    /** Secrets alone: masked token by token. */
    private static final MaskingPlan SECRETS = new MaskingPlan(true, List.of(), List.of(), false, List.of());
    /**
     * The same values masked, plus container env names (which no Secret has): the masker
     * must then decode each object, as it does for workloads.
     */
    private static final MaskingPlan SECRETS_DECODED = new MaskingPlan(true, List.of(),
            List.of(new Glob("AGENTGUARD_BENCH_NONE")), false, List.of());

    /**
     * @param body   a LIST of {@code secrets} Secrets, as the API server sent it
     * @param values how many values each run must mask (every key of every Secret)
     */
    static Result measure(byte[] body, int secrets, int values, int runs) {
        double token = new MaskingThroughput(SECRETS).rate(body, secrets, values, runs);
        double tree = new MaskingThroughput(SECRETS_DECODED).rate(body, secrets, values, runs);
        return new Result(secrets, body.length, runs, token, tree);
    }

    private double rate(byte[] body, int secrets, int values, int runs) {
        Masked first = once(body, true);
        String problem = Answers.maskedSecrets(secrets).problem(200, new String(first.output(), StandardCharsets.UTF_8))
                .orElse(first.values() == values ? null : first.values() + " values masked of " + values);
        if (problem != null) {
            throw new WrongAnswer("JsonStreamMasker on the LIST of Secrets", problem);
        }
        for (int i = 0; i < WARMUP_RUNS; i++) {
            checked(body, values);
        }
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            checked(body, values);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return body.length * (double) runs / seconds / (1024 * 1024);
    }

    private void checked(byte[] body, int values) {
        int masked = once(body, false).values();
        if (masked != values) {
            throw new WrongAnswer("JsonStreamMasker on the LIST of Secrets", masked + " values masked of " + values);
        }
    }

    /** One run over the body in 16 KiB chunks, as the proxy feeds it; the output kept only when asked. */
    private Masked once(byte[] body, boolean keepOutput) {
        JsonStreamMasker masker = new JsonStreamMasker(mapper, new ObjectMasker(plan), JsonStreamMasker.Shape.LIST);
        ByteArrayOutputStream out = new ByteArrayOutputStream(keepOutput ? body.length : 0);
        for (int i = 0; i < body.length; i += CHUNK) {
            byte[] masked = masker.feed(Arrays.copyOfRange(body, i, Math.min(body.length, i + CHUNK)));
            if (keepOutput) {
                out.writeBytes(masked);
            }
        }
        byte[] rest = masker.end();
        if (keepOutput) {
            out.writeBytes(rest);
        }
        return new Masked(out.toByteArray(), masker.masked());
    }
}
