package dev.agentguard.recordings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads an asciicast v2 stream line by line: the header, then {@code [time, code, data]} events. */
public final class Asciicast {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Event(double time, String code, String data) {
    }

    private Asciicast() {
    }

    public static void read(InputStream in, Consumer<Event> events) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = reader.readLine();
        if (header == null) {
            throw new IOException("the recording is empty");
        }
        if (parse(header, 1).path("version").asInt() != 2) {
            throw new IOException("the recording is not asciicast version 2");
        }
        int number = 1;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode event = parse(line, number);
            if (!event.isArray() || event.size() < 3 || !event.get(0).isNumber()) {
                throw new IOException("line " + number + " of the recording is not an event");
            }
            events.accept(new Event(event.get(0).asDouble(), event.get(1).asText(), event.get(2).asText()));
        }
    }

    private static JsonNode parse(String line, int number) throws IOException {
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IOException("line " + number + " of the recording is not JSON: " + e.getOriginalMessage());
        }
    }
}
