package dev.agentguard.proxy.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.agentguard.proxy.ProxyConfig;

/**
 * The embedded audit sink: each event as one JSON line on standard output and,
 * if configured, appended to a local file (the chart mounts a hostPath there).
 */
@ApplicationScoped
public class AuditLogWriter {

    private static final Logger LOG = Logger.getLogger(AuditLogWriter.class);

    private final boolean stdout;
    private final BufferedWriter file;

    public AuditLogWriter(ProxyConfig config) throws IOException {
        this.stdout = config.audit().stdout();
        Optional<Path> file = config.audit().file();
        if (file.isPresent()) {
            Files.createDirectories(file.get().toAbsolutePath().getParent());
            this.file = Files.newBufferedWriter(file.get(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } else {
            this.file = null;
        }
    }

    @Incoming(AuditTrail.CHANNEL)
    public synchronized void write(String event) {
        if (stdout) {
            System.out.println(event);
        }
        if (file != null) {
            try {
                file.write(event);
                file.newLine();
                file.flush();
            } catch (IOException e) {
                LOG.errorf("cannot write the audit log: %s", e.getMessage());
            }
        }
    }

    @PreDestroy
    synchronized void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
