package dev.agentguard.testing.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;
import dev.agentguard.pki.Keys;
import dev.agentguard.pki.Pem;
import dev.agentguard.testing.apps.HttpStatus;
import dev.agentguard.testing.oidc.OidcIssuer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real control plane on 127.0.0.1: etcd, kube-apiserver and
 * kube-controller-manager, built from source by {@code hack/kube-binaries.sh}.
 *
 * <p>It is configured as production clusters are where agentguard depends on it:
 * RBAC and Node authorization, the default admission chain (ServiceAccount
 * admission adds the {@code kube-api-access-*} token volume to pods, webhooks are
 * called by URL), bound service-account tokens with a real issuer and signing
 * key, TokenRequest and TokenReview. The controller manager creates each
 * namespace's {@code default} ServiceAccount and {@code kube-root-ca.crt}, and
 * finalizes deleted namespaces. There is no scheduler and no kubelet.
 *
 * <p>{@link #shared()} starts one per JVM (one per test run) and stops it at exit.
 */
public final class KubeApiServer implements KubeCluster, AutoCloseable {

    /** Issuer and audience of service-account tokens, as in a default cluster. */
    public static final String SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local";

    /** What a control plane from {@link #startTrusting} puts before an OIDC user's preferred_username. */
    public static final String OIDC_USERNAME_PREFIX = OidcAuthentication.USERNAME_PREFIX;
    /** User extra key carrying an OIDC token's {@code auth_time} (decimal seconds since the epoch). */
    public static final String OIDC_AUTH_TIME_EXTRA = OidcAuthentication.AUTH_TIME_EXTRA;
    /** User extra key carrying an OIDC token's {@code acr}. */
    public static final String OIDC_ACR_EXTRA = OidcAuthentication.ACR_EXTRA;

    /** The simulated node (kwok): pods scheduled to it run, and exec runs their command locally. */
    public static final String KWOK_NODE = "kwok-node";
    /** Container name whose logs kwok serves from {@link #podLogFile()}. */
    public static final String KWOK_LOG_CONTAINER = KwokNode.LOG_CONTAINER;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final String SERVICE_CIDR = "10.96.0.0/16";
    private static final Duration CERT_VALIDITY = Duration.ofDays(2);
    private static final System.Logger LOG = System.getLogger(KubeApiServer.class.getName());

    /**
     * JVM-wide pointer to the running shared control plane's work directory. Quarkus tests load
     * this class again for every application they start (one per test profile); each copy
     * attaches to the control plane the first one started instead of starting another. (Not
     * under {@code agentguard.}: the shim maps that whole prefix and refuses unknown keys.)
     */
    static final String SHARED_DIR_PROPERTY = "dev.agentguard.testing.kube.shared-dir";
    private static final String ATTACH_FILE = "attach.properties";

    private static KubeApiServer shared;
    private static KubeStartException sharedFailure;

    private final Path workDir;
    private final KubeBinaries binaries;
    private final List<ManagedProcess> processes = new ArrayList<>();
    private final CertificateAuthority pki;
    /** For a copy that attached: the pids of the processes another copy started and owns. */
    private final List<Long> attachedPids;
    private Config adminConfig;
    private KubernetesClient admin;
    private Path adminKubeconfig;
    /** An OIDC provider whose tokens this control plane accepts, or null (client certificates and SA tokens only). */
    private OidcIssuer trustedIssuer;

    private KubeApiServer(KubeBinaries binaries, Path workDir) {
        this.binaries = binaries;
        this.workDir = workDir;
        this.pki = CertificateAuthority.create("agentguard-test-ca", CERT_VALIDITY);
        this.attachedPids = List.of();
    }

    private KubeApiServer(KubeBinaries binaries, Path workDir, CertificateAuthority pki, List<Long> attachedPids) {
        this.binaries = binaries;
        this.workDir = workDir;
        this.pki = pki;
        this.attachedPids = List.copyOf(attachedPids);
    }

    /** The control plane of this test run, started on first use and stopped when the JVM exits. */
    public static synchronized KubeApiServer shared() {
        // A control plane that failed once fails every test the same way, without retrying.
        if (sharedFailure != null) {
            throw sharedFailure;
        }
        if (shared == null) {
            String running = System.getProperty(SHARED_DIR_PROPERTY);
            KubeApiServer attached = running == null ? null : attach(Path.of(running));
            if (attached != null) {
                shared = attached;
                return shared;
            }
            try {
                KubeApiServer server = start(KubeBinaries.locate());
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "kube-apiserver-shutdown"));
                server.publishForAttach();
                shared = server;
            } catch (KubeStartException e) {
                sharedFailure = e;
                throw e;
            }
        }
        return shared;
    }

    private void publishForAttach() {
        Properties attach = new Properties();
        attach.setProperty("binaries", binaries.directory().toString());
        attach.setProperty("pids", processes.stream().map(p -> Long.toString(p.pid()))
                .collect(Collectors.joining(",")));
        try (var out = Files.newBufferedWriter(workDir.resolve(ATTACH_FILE))) {
            attach.store(out, "the shared control plane, for other class loaders of this JVM");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty(SHARED_DIR_PROPERTY, workDir.toString());
    }

    /** The control plane another copy of this class started, or null if it is gone. */
    private static KubeApiServer attach(Path workDir) {
        Properties attach = new Properties();
        try (var in = Files.newBufferedReader(workDir.resolve(ATTACH_FILE))) {
            attach.load(in);
            List<Long> pids = java.util.Arrays.stream(attach.getProperty("pids").split(","))
                    .map(Long::parseLong).toList();
            if (!pids.stream().allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) {
                return null;
            }
            X509Certificate caCert = Pem.decodeCertificates(Files.readString(workDir.resolve("ca.crt"))).get(0);
            var caKey = Pem.decodePrivateKey(Files.readString(workDir.resolve("ca.key")));
            CertificateAuthority pki = CertificateAuthority.of(
                    new IssuedCertificate(caCert, new java.security.KeyPair(caCert.getPublicKey(), caKey)));
            KubeApiServer server = new KubeApiServer(new KubeBinaries(Path.of(attach.getProperty("binaries"))),
                    workDir, pki, pids);
            server.adminKubeconfig = workDir.resolve("admin.kubeconfig");
            server.adminConfig = Config.fromKubeconfig(Files.readString(server.adminKubeconfig));
            server.admin = new KubernetesClientBuilder().withConfig(server.adminConfig).build();
            return server;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot attach to the control plane in {0}, starting one: {1}",
                    workDir, e.getMessage());
            return null;
        }
    }

    static KubeApiServer start(KubeBinaries binaries) {
        Path workDir;
        try {
            workDir = Files.createTempDirectory("agentguard-kube-");
        } catch (IOException e) {
            throw new KubeStartException("cannot create a work directory: " + e.getMessage(), e);
        }
        return start(binaries, workDir);
    }

    /**
     * A control plane of its own in {@code workDir} (created if missing, and deleted by
     * {@link #close()}), for a caller that keeps it beyond one test run, such as the demo.
     * The caller closes it.
     */
    public static KubeApiServer startIn(Path workDir) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new KubeStartException("cannot create " + workDir + ": " + e.getMessage(), e);
        }
        return start(KubeBinaries.locate(), workDir);
    }

    /**
     * A control plane of its own (not {@link #shared()}) that also authenticates users by the
     * tokens of {@code issuer}, through structured authentication configuration: username
     * {@value #OIDC_USERNAME_PREFIX}{@code <preferred_username>}, groups from the
     * {@code groups} claim as they are. The caller closes it.
     */
    public static KubeApiServer startTrusting(OidcIssuer issuer) {
        Path workDir;
        try {
            workDir = Files.createTempDirectory("agentguard-kube-oidc-");
        } catch (IOException e) {
            throw new KubeStartException("cannot create a work directory: " + e.getMessage(), e);
        }
        KubeApiServer server = new KubeApiServer(KubeBinaries.locate(), workDir);
        server.trustedIssuer = issuer;
        return start(server);
    }

    private static KubeApiServer start(KubeBinaries binaries, Path workDir) {
        return start(new KubeApiServer(binaries, workDir));
    }

    private static KubeApiServer start(KubeApiServer server) {
        Path workDir = server.workDir;
        try {
            long started = System.nanoTime();
            server.startAll();
            LOG.log(System.Logger.Level.INFO, "control plane ready at {0} in {1} ms (work dir {2})",
                    server.url(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), workDir);
            return server;
        } catch (RuntimeException e) {
            server.stopProcesses();
            throw new KubeStartException(e.getMessage() + "\n(work dir kept for inspection: " + workDir + ")", e);
        }
    }

    private void startAll() {
        int etcdPort = freePort();
        int etcdPeerPort = freePort();
        int apiPort = freePort();
        String url = "https://127.0.0.1:" + apiPort;

        IssuedCertificate serving = pki.issueServer("kube-apiserver",
                List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                        "kubernetes.default.svc.cluster.local"),
                List.of("127.0.0.1", "10.96.0.1"), CERT_VALIDITY);
        IssuedCertificate adminCert = pki.issueClient("agentguard-test-admin", "system:masters", CERT_VALIDITY);
        // The controller manager is test infrastructure, not under test: give it full rights.
        IssuedCertificate controllerCert = pki.issueClient("system:kube-controller-manager", "system:masters",
                CERT_VALIDITY);
        var serviceAccountKeys = Keys.rsa2048();

        Path caFile = write("ca.crt", pki.root().certificatePem());
        Path caKeyFile = write("ca.key", pki.root().privateKeyPem());
        Path servingCert = write("apiserver.crt", serving.certificatePem());
        Path servingKey = write("apiserver.key", serving.privateKeyPem());
        Path saKey = write("sa.key", Pem.encode(serviceAccountKeys.getPrivate()));
        Path saPub = write("sa.pub", Pem.encode(serviceAccountKeys.getPublic()));
        adminKubeconfig = write("admin.kubeconfig", Kubeconfig.render(url, pki.root().certificatePem(), adminCert));
        Path controllerKubeconfig = write("controller-manager.kubeconfig",
                Kubeconfig.render(url, pki.root().certificatePem(), controllerCert));

        ManagedProcess etcd = launch("etcd", List.of(binaries.etcd().toString(),
                "--name=agentguard-test",
                "--data-dir=" + workDir.resolve("etcd"),
                "--listen-client-urls=http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls=http://127.0.0.1:" + etcdPeerPort,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeerPort,
                "--initial-cluster=agentguard-test=http://127.0.0.1:" + etcdPeerPort,
                // Durability is worthless for a throw-away test store; fsync dominates its latency.
                "--unsafe-no-fsync=true",
                "--log-level=warn"));
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        etcd.awaitReady(() -> HttpStatus.of(plain, "http://127.0.0.1:" + etcdPort + "/health") == 200, START_TIMEOUT);

        List<String> apiServerArgs = new ArrayList<>(List.of(binaries.kubeApiServer().toString(),
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                // The endpoint reconciler refuses loopback addresses; no in-cluster client needs it here.
                "--endpoint-reconciler-type=none",
                // Webhook Services resolve to their EndpointSlices, as there is no kube-proxy for a ClusterIP.
                "--enable-aggregator-routing=true",
                "--secure-port=" + apiPort,
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--tls-cert-file=" + servingCert,
                "--tls-private-key-file=" + servingKey,
                "--client-ca-file=" + caFile,
                "--authorization-mode=Node,RBAC",
                "--enable-admission-plugins=NodeRestriction",
                "--service-account-issuer=" + SERVICE_ACCOUNT_ISSUER,
                "--service-account-key-file=" + saPub,
                "--service-account-signing-key-file=" + saKey,
                "--service-cluster-ip-range=" + SERVICE_CIDR,
                "--allow-privileged=true",
                "--profiling=false",
                "--cert-dir=" + workDir.resolve("apiserver-certs"),
                "--v=1"));
        if (trustedIssuer != null) {
            // Structured authentication configuration; it excludes the --oidc-* flags.
            apiServerArgs.add("--authentication-config="
                    + write("authentication-config.yaml", OidcAuthentication.render(trustedIssuer)));
        }
        ManagedProcess apiServer = launch("kube-apiserver", apiServerArgs);
        // HTTP/1.1: the JDK client's HTTP/2 preface gets a GOAWAY from Go's server.
        HttpClient tls = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .sslContext(trusting(pki.root().certificate())).build();
        apiServer.awaitReady(() -> HttpStatus.of(tls, url + "/readyz") == 200, START_TIMEOUT);

        adminConfig = Config.fromKubeconfig(Kubeconfig.render(url, pki.root().certificatePem(), adminCert));
        admin = new KubernetesClientBuilder().withConfig(adminConfig).build();

        ManagedProcess controllerManager = launch("kube-controller-manager",
                List.of(binaries.kubeControllerManager().toString(),
                        "--kubeconfig=" + controllerKubeconfig,
                        "--authentication-kubeconfig=" + controllerKubeconfig,
                        "--authorization-kubeconfig=" + controllerKubeconfig,
                        "--bind-address=127.0.0.1",
                        "--secure-port=" + freePort(),
                        "--leader-elect=false",
                        "--use-service-account-credentials=false",
                        "--service-account-private-key-file=" + saKey,
                        "--root-ca-file=" + caFile,
                        "--cluster-signing-cert-file=" + caFile,
                        "--cluster-signing-key-file=" + caKeyFile,
                        "--service-cluster-ip-range=" + SERVICE_CIDR,
                        "--v=1"));
        // Ready once its ServiceAccount controller has done its first pass.
        controllerManager.awaitReady(() -> admin.serviceAccounts().inNamespace("default")
                .withName("default").get() != null, START_TIMEOUT);

        startKwok();
    }

    /** kwok plays the kubelet of {@value #KWOK_NODE}, at 127.0.0.1. */
    private void startKwok() {
        KwokNode node = KwokNode.start(binaries, admin, adminKubeconfig, KWOK_NODE, "type=kwok", "127.0.0.1",
                workDir, false);
        processes.add(node.process());
    }

    /** The CRI-format log file kwok serves as the logs of every {@value #KWOK_LOG_CONTAINER} container. */
    public Path podLogFile() {
        return workDir.resolve("pod.log");
    }

    private ManagedProcess launch(String name, List<String> command) {
        ManagedProcess process = ManagedProcess.start(name, command, workDir.resolve(name + ".log"));
        processes.add(process);
        return process;
    }

    @Override
    public Config adminConfig() {
        return adminConfig;
    }

    @Override
    public KubernetesClient admin() {
        return admin;
    }

    @Override
    public String caCertificatePem() {
        return pki.root().certificatePem();
    }

    /** An admin kubeconfig file, for the real {@code kubectl}. */
    public Path adminKubeconfig() {
        return adminKubeconfig;
    }

    /**
     * A kubeconfig for a human: {@code user} in {@code group}, authenticated by a client
     * certificate from this control plane's CA, as a user's own kubeconfig would be (no
     * impersonation, so the API server and webhooks see exactly that user).
     */
    public Path userKubeconfig(String user, String group) {
        IssuedCertificate certificate = pki.issueClient(user, group, CERT_VALIDITY);
        return write("user-" + user.replaceAll("[^A-Za-z0-9._-]", "_") + ".kubeconfig",
                Kubeconfig.render(adminConfig.getMasterUrl().replaceAll("/$", ""), pki.root().certificatePem(),
                        certificate));
    }

    /** A client certificate and its key, as files (the key readable by its owner only). */
    public record ClientCertificate(Path certificate, Path key) {
    }

    /**
     * Credentials of ServiceAccount {@code namespace/name} as files: a client certificate whose
     * user is {@code system:serviceaccount:<namespace>:<name>} (in group system:serviceaccounts), which
     * RBAC's ServiceAccount subjects match like the account's token. For a Quarkus app under test,
     * whose kubernetes-client settings Quarkus echoes in a warning: paths, unlike a token, are no secret.
     */
    public ClientCertificate serviceAccountCertificate(String namespace, String name) {
        IssuedCertificate certificate = pki.issueClient("system:serviceaccount:" + namespace + ":" + name,
                "system:serviceaccounts", CERT_VALIDITY);
        String base = "sa-" + namespace + "-" + name;
        Path key = write(base + ".key", certificate.privateKeyPem());
        try {
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ClientCertificate(write(base + ".crt", certificate.certificatePem()), key);
    }

    /** The binaries this control plane runs (kubectl and kwok included). */
    public Path binary(String name) {
        return binaries.directory().resolve(name);
    }

    /** The outcome of one kubectl run. */
    public record KubectlResult(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs the real kubectl built with the control plane, as cluster admin, with
     * {@code stdin} (may be null) on its standard input; waits up to a minute.
     */
    public KubectlResult kubectl(String stdin, String... args) {
        return kubectlWith(adminKubeconfig, stdin, args);
    }

    /** Runs the real kubectl with the given kubeconfig, e.g. an agent's view through the shim. */
    public KubectlResult kubectlWith(Path kubeconfig, String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(binary("kubectl").toString(),
                "--kubeconfig=" + kubeconfig, "--cache-dir=" + workDir.resolve("kubectl-cache")));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(workDir, "kubectl", ".out");
            Path err = Files.createTempFile(workDir, "kubectl", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in 60s");
            }
            return new KubectlResult(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running kubectl", e);
        }
    }

    /**
     * Starts a long-running kubectl (e.g. {@code get -w}) with its standard output
     * and error going to {@code output}; the caller waits on what it prints and
     * destroys the process.
     */
    public Process startKubectl(Path kubeconfig, Path output, String... args) {
        List<String> command = new ArrayList<>(List.of(binary("kubectl").toString(),
                "--kubeconfig=" + kubeconfig, "--cache-dir=" + workDir.resolve("kubectl-cache")));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kubectl of the binaries the control plane runs (hack/kube-binaries.sh), for any cluster. */
    public static Path kubectlBinary() {
        return KubeBinaries.locate().kubectl();
    }

    /** The pids of the control plane's processes (etcd, kube-apiserver, controller manager, kwok). */
    public List<Long> pids() {
        return attachedPids.isEmpty() ? processes.stream().map(ManagedProcess::pid).toList() : attachedPids;
    }

    /** Whether every process of the control plane is still running. */
    public boolean isRunning() {
        if (!attachedPids.isEmpty()) {
            return attachedPids.stream().allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                    .orElse(false));
        }
        return !processes.isEmpty() && processes.stream().allMatch(ManagedProcess::isAlive);
    }

    @Override
    public synchronized void close() {
        if (!attachedPids.isEmpty()) {
            // Attached: the processes and the work directory belong to the copy that started them.
            admin.close();
            return;
        }
        stopProcesses();
        deleteRecursively(workDir);
    }

    private void stopProcesses() {
        if (admin != null) {
            admin.close();
        }
        // Reverse start order: controllers before the API server before etcd.
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }

    private Path write(String name, String content) {
        try {
            Path file = workDir.resolve(name);
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SSLContext trusting(java.security.cert.X509Certificate ca) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new KubeStartException("cannot build a trust store for the test CA", e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new KubeStartException("no free port on 127.0.0.1", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete {0}: {1}", dir, e.getMessage());
        }
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
