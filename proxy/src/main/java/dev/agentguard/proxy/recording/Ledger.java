package dev.agentguard.proxy.recording;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The ledger's file format: one JSON object per {@link ChainEntry}, one per
 * line, each line ended by a newline. A last line without its newline is torn:
 * the writer stopped mid-line.
 */
final class Ledger {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line of the ledger, numbered from 1. */
    record Line(int number, String text, boolean torn) {
    }

    @FunctionalInterface
    interface LineHandler {
        void line(Line line) throws IOException;
    }

    private Ledger() {
    }

    /** Reads the ledger line by line, without holding it all in memory. */
    static void read(Path ledger, LineHandler handler) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(ledger))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int number = 0;
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n') {
                    handler.line(new Line(++number, line.toString(StandardCharsets.UTF_8), false));
                    line.reset();
                } else {
                    line.write(b);
                }
            }
            if (line.size() > 0) {
                handler.line(new Line(++number, line.toString(StandardCharsets.UTF_8), true));
            }
        }
    }

    /** The entry as one line, newline included. */
    static byte[] encode(ChainEntry entry) {
        ObjectNode json = JSON.createObjectNode();
        json.put("sequence", entry.sequence());
        json.put("session", entry.session());
        json.put("file", entry.file());
        json.put("sha256", entry.sha256());
        json.put("incomplete", entry.incomplete());
        json.put("previous", entry.previous());
        json.put("digest", entry.digest());
        return (json + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a line; the exception says what is wrong with it. */
    static ChainEntry decode(String text) throws LedgerException {
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new LedgerException("not JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw new LedgerException("not a JSON object");
        }
        // Fields are checked in order, so the message names the first one wrong.
        JsonNode sequence = json.get("sequence");
        if (sequence == null || !sequence.isIntegralNumber() || !sequence.canConvertToLong()) {
            throw new LedgerException("'sequence' is missing or not a whole number");
        }
        String session = text(json, "session");
        String file = text(json, "file");
        String sha256 = text(json, "sha256");
        JsonNode incomplete = json.get("incomplete");
        if (incomplete == null || !incomplete.isBoolean()) {
            throw new LedgerException("'incomplete' is missing or not true/false");
        }
        return new ChainEntry(sequence.asLong(), session, file, sha256, incomplete.booleanValue(),
                text(json, "previous"), text(json, "digest"));
    }

    private static String text(JsonNode json, String field) throws LedgerException {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual()) {
            throw new LedgerException("'" + field + "' is missing or not a string");
        }
        return value.textValue();
    }

    /** A ledger line that is not an entry. */
    static final class LedgerException extends Exception {

        LedgerException(String message) {
            super(message);
        }
    }
}
