package dev.agentguard.testing.oidc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.testing.apps.HttpStatus;
import dev.agentguard.testing.apps.PackagedApp;
import dev.agentguard.testing.kube.RepoFiles;
import dev.agentguard.testing.kube.TestTls;

/**
 * A real Keycloak on 127.0.0.1 over HTTPS (its certificate from a throw-away test CA), with the
 * realm {@value #REALM} imported from {@code oidc/agentguard-realm.json}: the OIDC provider the
 * approver console logs humans in with, and that a control plane started with
 * {@code KubeApiServer.startTrusting(issuer())} accepts tokens from.
 *
 * <p>{@code hack/keycloak.sh} fetches and pre-builds the distribution (a no-op when cached); each
 * start gets its own home directory (config, file database, import) whose {@code lib} points at
 * the cache, so runs never share state. Stopped on {@link #close()} or at JVM exit.
 */
public final class Keycloak implements AutoCloseable {

    public static final String REALM = "agentguard";
    /** The audience the realm's mappers add to agentguard's tokens, and the API server requires. */
    public static final String AUDIENCE = "agentguard";
    /** The public client with direct-access (password) grants, for tests only. */
    public static final String TEST_CLIENT = "agentguard-test";
    /** Where {@link #browserLogin} is sent back with the code; nothing listens there, the redirect is read. */
    static final String BROWSER_REDIRECT = "http://127.0.0.1/agentguard-test/callback";
    /** A client without the agentguard audience mapper: its tokens are for another application. */
    public static final String OTHER_CLIENT = "other-app";

    private static final String SCRIPT = "hack/keycloak.sh";
    private static final String REALM_RESOURCE = "/oidc/agentguard-realm.json";
    // Generous: a first start initializes the database and imports the realm, on 2 shared cores.
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final System.Logger LOG = System.getLogger(Keycloak.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final Process process;
    private final TestTls tls;
    private final int port;
    private final HttpClient http;
    private final SSLContext sslContext;
    /** Set once it is ready; the shutdown hook holds this same instance. */
    private Duration startup = Duration.ZERO;

    private Keycloak(Path home, Process process, TestTls tls, int port, HttpClient http, SSLContext sslContext) {
        this.sslContext = sslContext;
        this.home = home;
        this.process = process;
        this.tls = tls;
        this.port = port;
        this.http = http;
    }

    /** Starts Keycloak and returns once its readiness check passes and the realm is served. */
    public static Keycloak start() {
        Path jdk = KeycloakJdk.locate();
        Path dist = runScript(jdk);
        TestTls tls = TestTls.issue("keycloak");
        int port = PackagedApp.freePort();
        int managementPort = PackagedApp.freePort();
        Path home;
        try {
            home = Files.createTempDirectory("agentguard-keycloak-");
            layHome(dist, home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out a Keycloak home", e);
        }
        String url = "https://127.0.0.1:" + port;
        List<String> command = List.of(home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                "--import-realm",
                // The issuer in tokens must equal the URL relying parties are given, whatever Host a client sends.
                "--hostname=" + url,
                "--http-enabled=false", "--http-host=127.0.0.1", "--https-port=" + port,
                "--https-certificate-file=" + tls.certificate(), "--https-certificate-key-file=" + tls.key(),
                "--http-management-port=" + managementPort,
                "--log-level=info");
        long started = System.nanoTime();
        Process process;
        Path log = home.resolve("keycloak.log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().put("JAVA_HOME", jdk.toString());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Keycloak", e);
        }
        SSLContext sslContext = trusting(tls);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).sslContext(sslContext).build();
        Keycloak keycloak = new Keycloak(home, process, tls, port, http, sslContext);
        Runtime.getRuntime().addShutdownHook(new Thread(keycloak::close, "keycloak-shutdown"));
        try {
            keycloak.awaitReady("https://127.0.0.1:" + managementPort + "/health/ready", log);
            keycloak.awaitReady(keycloak.issuerUrl() + "/.well-known/openid-configuration", log);
        } catch (RuntimeException e) {
            keycloak.close();
            throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        LOG.log(System.Logger.Level.INFO, "Keycloak ready at {0} in {1} ms (home {2})", url, took.toMillis(), home);
        keycloak.startup = took;
        return keycloak;
    }

    /**
     * A home of its own: kc.sh is copied (it resolves its home from its own path), the pre-built
     * lib, providers and themes are links into the cache, conf and data are fresh.
     */
    private static void layHome(Path dist, Path home) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.copy(dist.resolve("bin/kc.sh"), home.resolve("bin/kc.sh"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String shared : List.of("lib", "providers", "themes")) {
            Files.createSymbolicLink(home.resolve(shared), dist.resolve(shared));
        }
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/keycloak.conf"), "# per-run home; options are on the command line\n");
        Path imports = Files.createDirectories(home.resolve("data/import"));
        try (InputStream realm = Keycloak.class.getResourceAsStream(REALM_RESOURCE)) {
            if (realm == null) {
                throw new IllegalStateException(REALM_RESOURCE + " is not on the classpath");
            }
            Files.copy(realm, imports.resolve("agentguard-realm.json"));
        }
    }

    private void awaitReady(String url, Path log) {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (HttpStatus.of(http, url) != 200) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with code " + process.exitValue()
                        + " before it was ready; last lines of " + log + ":\n" + tail(log));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Keycloak not ready (" + url + ") after " + START_TIMEOUT.toSeconds()
                        + "s; last lines of " + log + ":\n" + tail(log));
            }
            try {
                // Polling a local endpoint; there is no event to wait on.
                process.waitFor(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Keycloak", e);
            }
        }
    }

    private String issuerUrl() {
        return "https://127.0.0.1:" + port + "/realms/" + REALM;
    }

    /** The realm's issuer, its CA and agentguard's audience: what the API server is told to trust. */
    public OidcIssuer issuer() {
        return new OidcIssuer(issuerUrl(), caPem(), AUDIENCE);
    }

    /** The CA of Keycloak's serving certificate (PEM). */
    public String caPem() {
        return tls.caPem();
    }

    /** How long the last start took until the realm was served. */
    public Duration startupTime() {
        return startup;
    }

    /**
     * A resource-owner password grant (enabled only on the test clients), as a user would get
     * tokens by logging in; fails unless Keycloak answers 200.
     */
    public Tokens passwordGrant(String user, String password, String clientId) {
        String form = Map.of("grant_type", "password", "client_id", clientId, "username", user,
                        "password", password, "scope", "openid").entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuerUrl() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("password grant for " + user + " via " + clientId + " got HTTP "
                        + response.statusCode() + ": " + response.body());
            }
            JsonNode body = JSON.readTree(response.body());
            return new Tokens(body.path("access_token").asText(), body.path("id_token").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a password grant", e);
        }
    }

    /**
     * A login through Keycloak's own login page (authorization code flow with PKCE, on {@value #TEST_CLIENT}),
     * as a browser does it: unlike a password grant, it is a login Keycloak records the time of, so the
     * tokens carry {@code auth_time}.
     */
    public Tokens browserLogin(String user, String password) {
        return new BrowserLogin(issuerUrl(), TEST_CLIENT, BROWSER_REDIRECT, sslContext).login(user, password);
    }

    @Override
    public synchronized void close() {
        // kc.sh runs the JVM as its child: stop the JVM too, not only the script.
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        deleteRecursively(home);
        deleteRecursively(tls.directory());
    }

    private static Path runScript(Path jdk) {
        Path script = RepoFiles.find(SCRIPT);
        try {
            Path output = Files.createTempFile("keycloak-script", ".out");
            ProcessBuilder builder = new ProcessBuilder(List.of("bash", script.toString()))
                    .redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put(KeycloakJdk.ENV, jdk.toString());
            int code = builder.start().waitFor();
            List<String> lines = Files.readAllLines(output);
            Files.deleteIfExists(output);
            if (code != 0 || lines.isEmpty()) {
                throw new IllegalStateException(script + " failed with exit code " + code + " (its errors are above)");
            }
            return Path.of(lines.get(lines.size() - 1).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static SSLContext trusting(TestTls tls) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", tls.ca().root().certificate());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot trust the Keycloak test CA", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // Files.walk does not follow the links into the shared cache: only this run's files go.
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete {0}: {1}", dir, e.getMessage());
        }
    }
}
