package dev.agentguard.demo.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.demo.Narrator;

/**
 * The proxy's audit events (audit.k8s.io/v1, one JSON line each on its standard output, which a
 * DaemonSet's log collector would ship), shown one line per agent request.
 */
record AuditLines(Path proxyLog) {

    private static final ObjectMapper JSON = new ObjectMapper();

    void print(Narrator out) {
        out.step("The audit trail: one audit.k8s.io/v1 event per agent request");
        out.command("admin", "grep audit.k8s.io " + proxyLog
                + "   # in a cluster: kubectl logs -n agentguard-system ds/agentguard-proxy");
        List<JsonNode> events = events();
        if (events.isEmpty()) {
            throw new IllegalStateException("the proxy wrote no audit events to " + proxyLog);
        }
        out.output(String.format("%-8s %-6s %-58s %-4s %-16s %s", "TIME", "VERB", "REQUEST", "CODE", "DECISION",
                "RULE"));
        for (JsonNode event : events) {
            JsonNode annotations = event.path("annotations");
            String time = event.path("stageTimestamp").asText();
            out.output(String.format("%-8s %-6s %-58s %-4s %-16s %s",
                    time.length() >= 19 ? time.substring(11, 19) : time, event.path("verb").asText(),
                    shorten(event.path("requestURI").asText()), event.path("responseStatus").path("code").asText(),
                    annotations.path("agentguard.dev/decision").asText("-"),
                    annotations.path("agentguard.dev/rule").asText("-")));
        }
        out.say("(user " + events.get(0).path("user").path("username").asText()
                + ", with its pod's name and uid; each line above is a full JSON event in that log)");
    }

    List<JsonNode> events() {
        try {
            return Files.readAllLines(proxyLog).stream().filter(line -> line.startsWith("{")
                    && line.contains("\"audit.k8s.io/v1\"")).map(AuditLines::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String shorten(String uri) {
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        return path.length() <= 58 ? path : "…" + path.substring(path.length() - 57);
    }
}
