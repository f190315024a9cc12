package dev.agentguard.operator.certificates;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;
import dev.agentguard.pki.Pem;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Owns the CA, the webhook and proxy serving certificates, and every copy of the trust bundle.
 *
 * <p>Rotation without downtime, in phases driven by {@link #reconcile(Instant)}:
 * <ol>
 * <li>the CA is due (less than {@code renewFraction} of its life left, or annotated
 * {@code agentguard.dev/rotate=now}): a new CA becomes the signer and the bundle is NEW+OLD;
 * the bundle is pushed to the webhook configurations and the namespace ConfigMaps;</li>
 * <li>after {@code propagationDelay} (clients have had time to see NEW), the leaves are re-issued by NEW;</li>
 * <li>after {@code overlap} more (servers have reloaded their files), OLD is dropped from the bundle.</li>
 * </ol>
 */
@ApplicationScoped
public class CertificateManager {

    public static final String ROTATE_ANNOTATION = "agentguard.dev/rotate";
    static final String ROTATED_AT = "agentguard.dev/ca-rotated-at";
    static final String ISSUED_AT = "agentguard.dev/issued-at";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String OPERATOR = "agentguard-operator";

    private static final Logger LOG = Logger.getLogger(CertificateManager.class);

    private final KubernetesClient client;
    private final CertificatesConfig config;

    public CertificateManager(KubernetesClient client, CertificatesConfig config) {
        this.client = client;
        this.config = config;
    }

    /** Brings CA, leaves and bundles up to date; returns when to look again. */
    public Instant reconcile(Instant now) {
        List<Instant> next = new ArrayList<>();
        Secret caSecret = secret(config.caSecret());
        Optional<IssuedCertificate> active = caSecret == null ? Optional.empty() : readPair(caSecret);
        List<X509Certificate> bundle = caSecret == null ? List.of() : readBundle(caSecret);
        Instant rotatedAt = caSecret == null ? null : instant(caSecret, ROTATED_AT);
        boolean forced = caSecret != null && "now".equals(annotation(caSecret, ROTATE_ANNOTATION));

        if (active.isEmpty() || forced || due(active.get().certificate(), now)) {
            IssuedCertificate created = CertificateAuthority.create("agentguard-ca", config.caValidity()).root();
            List<X509Certificate> newBundle = new ArrayList<>();
            newBundle.add(created.certificate());
            // The old CA(s) stay trusted until every leaf is re-issued and the overlap has passed.
            bundle.stream().filter(c -> c.getNotAfter().toInstant().isAfter(now)).forEach(newBundle::add);
            rotatedAt = active.isEmpty() ? null : now;
            LOG.infof("%s CA %s (reason: %s)", active.isEmpty() ? "created" : "rotated to",
                    created.certificate().getSerialNumber(),
                    active.isEmpty() ? "missing" : forced ? "rotate annotation" : "expiring");
            active = Optional.of(created);
            bundle = newBundle;
            writeCa(caSecret, created, bundle, rotatedAt);
        }
        IssuedCertificate ca = active.get();
        CertificateAuthority authority = CertificateAuthority.of(ca);
        next.add(renewAt(ca.certificate()));

        // Leaves: re-issued by the new CA only once the bundle carrying it had time to propagate.
        boolean mayUseNewCa = rotatedAt == null || !now.isBefore(rotatedAt.plus(config.propagationDelay()));
        if (!mayUseNewCa) {
            next.add(rotatedAt.plus(config.propagationDelay()));
        }
        String svc = config.webhookService() + "." + config.namespace();
        List<Instant> issuedByActive = new ArrayList<>();
        boolean allByActive = true;
        for (var leaf : List.of(
                new Leaf(config.webhookSecret(), svc + ".svc",
                        List.of(config.webhookService(), svc, svc + ".svc", svc + ".svc.cluster.local")),
                new Leaf(config.proxySecret(), config.proxyDnsNames().get(0), config.proxyDnsNames()))) {
            Secret s = secret(leaf.secret());
            Optional<IssuedCertificate> current = s == null ? Optional.empty() : readPair(s);
            boolean byActive = current.isPresent() && signedBy(current.get().certificate(), ca.certificate());
            boolean trusted = current.isPresent() && bundle.stream()
                    .anyMatch(c -> signedBy(current.get().certificate(), c));
            boolean reissue = current.isEmpty() || !trusted || due(current.get().certificate(), now)
                    || (!byActive && mayUseNewCa);
            if (reissue) {
                IssuedCertificate issued = authority.issueServer(leaf.commonName(), leaf.dnsNames(), List.of(),
                        config.leafValidity());
                writeLeaf(s, leaf.secret(), issued, bundle, now);
                LOG.infof("issued %s, serial %s, valid until %s", leaf.secret(),
                        issued.certificate().getSerialNumber(), issued.certificate().getNotAfter().toInstant());
                next.add(renewAt(issued.certificate()));
                issuedByActive.add(now);
            } else {
                next.add(renewAt(current.get().certificate()));
                if (byActive) {
                    Instant at = instant(s, ISSUED_AT);
                    issuedByActive.add(at == null ? now : at);
                } else {
                    allByActive = false;
                }
                if (!pem(bundle).equals(decoded(s, "ca.crt"))) {
                    writeLeaf(s, leaf.secret(), current.get(), bundle, instant(s, ISSUED_AT));
                }
            }
        }

        // Drop the old CA once every leaf comes from the new one and servers had time to reload.
        if (bundle.size() > 1 && allByActive) {
            Instant dropAt = issuedByActive.stream().max(Instant::compareTo).orElse(now).plus(config.overlap());
            if (!now.isBefore(dropAt)) {
                bundle = List.of(ca.certificate());
                LOG.infof("dropped the previous CA from the trust bundle");
                writeCa(secret(config.caSecret()), ca, bundle, null);
                for (String name : List.of(config.webhookSecret(), config.proxySecret())) {
                    Secret s = secret(name);
                    readPair(s).ifPresent(p -> writeLeaf(s, name, p, List.of(ca.certificate()), instant(s, ISSUED_AT)));
                }
            } else {
                next.add(dropAt);
            }
        }

        String bundlePem = pem(bundle);
        patchWebhookConfigurations(bundlePem);
        for (Namespace ns : client.namespaces().withLabel(config.injectLabel(), config.injectValue()).list()
                .getItems()) {
            ensureConfigMap(ns.getMetadata().getName(), bundlePem);
        }
        // People's clients (the kubectl plugin, the console) verify the proxies there when they fetch recordings.
        ensureConfigMap(config.namespace(), bundlePem);
        return next.stream().min(Instant::compareTo).orElse(now.plus(Duration.ofHours(1)));
    }

    /** The per-namespace part: an opted-in namespace gets the bundle, any other loses our ConfigMap. */
    public void reconcileNamespace(Namespace ns) {
        String name = ns.getMetadata().getName();
        boolean optedIn = config.injectValue().equals(
                ns.getMetadata().getLabels() == null ? null : ns.getMetadata().getLabels().get(config.injectLabel()));
        // The system namespace keeps it for the recordings clients, opted in or not.
        boolean wanted = optedIn || name.equals(config.namespace());
        if (wanted && ns.getMetadata().getDeletionTimestamp() == null) {
            Secret caSecret = secret(config.caSecret());
            if (caSecret != null && !readBundle(caSecret).isEmpty()) {
                ensureConfigMap(name, pem(readBundle(caSecret)));
            }
        } else {
            ConfigMap cm = client.configMaps().inNamespace(name).withName(config.proxyCaConfigMap()).get();
            if (cm != null && cm.getMetadata().getLabels() != null
                    && OPERATOR.equals(cm.getMetadata().getLabels().get(MANAGED_BY))) {
                client.configMaps().inNamespace(name).withName(config.proxyCaConfigMap()).delete();
                LOG.infof("removed %s from %s (no longer opted in)", config.proxyCaConfigMap(), name);
            }
        }
    }

    private void ensureConfigMap(String namespace, String bundlePem) {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(config.proxyCaConfigMap()).get();
        if (cm != null && cm.getData() != null && bundlePem.equals(cm.getData().get("ca.crt"))) {
            return;
        }
        client.resource(new ConfigMapBuilder().withNewMetadata().withName(config.proxyCaConfigMap())
                .withNamespace(namespace).addToLabels(MANAGED_BY, OPERATOR).endMetadata()
                .addToData("ca.crt", bundlePem).build()).serverSideApply();
    }

    private void patchWebhookConfigurations(String bundlePem) {
        String encoded = Base64.getEncoder().encodeToString(bundlePem.getBytes(StandardCharsets.US_ASCII));
        for (String name : config.webhookConfigurations()) {
            MutatingWebhookConfiguration m = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                    .withName(name).get();
            if (m != null && m.getWebhooks().stream().anyMatch(w -> !encoded.equals(w.getClientConfig().getCaBundle()))) {
                m.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(encoded));
                client.resource(m).update();
                LOG.infof("set caBundle of MutatingWebhookConfiguration %s", name);
            }
            ValidatingWebhookConfiguration v = client.admissionRegistration().v1()
                    .validatingWebhookConfigurations().withName(name).get();
            if (v != null && v.getWebhooks().stream().anyMatch(w -> !encoded.equals(w.getClientConfig().getCaBundle()))) {
                v.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(encoded));
                client.resource(v).update();
                LOG.infof("set caBundle of ValidatingWebhookConfiguration %s", name);
            }
        }
    }

    private record Leaf(String secret, String commonName, List<String> dnsNames) {
    }

    private boolean due(X509Certificate c, Instant now) {
        return !now.isBefore(renewAt(c));
    }

    private Instant renewAt(X509Certificate c) {
        Instant from = c.getNotBefore().toInstant();
        Instant to = c.getNotAfter().toInstant();
        long life = Duration.between(from, to).toMillis();
        return to.minusMillis((long) (life * config.renewFraction()));
    }

    static boolean signedBy(X509Certificate leaf, X509Certificate ca) {
        try {
            leaf.verify(ca.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private Secret secret(String name) {
        return client.secrets().inNamespace(config.namespace()).withName(name).get();
    }

    private void writeCa(Secret existing, IssuedCertificate ca, List<X509Certificate> bundle, Instant rotatedAt) {
        Map<String, String> annotations = new HashMap<>();
        if (rotatedAt != null) {
            annotations.put(ROTATED_AT, rotatedAt.toString());
        }
        write(existing, config.caSecret(), ca, bundle, annotations);
    }

    private void writeLeaf(Secret existing, String name, IssuedCertificate leaf, List<X509Certificate> bundle,
            Instant issuedAt) {
        Map<String, String> annotations = new HashMap<>();
        if (issuedAt != null) {
            annotations.put(ISSUED_AT, issuedAt.toString());
        }
        write(existing, name, leaf, bundle, annotations);
    }

    private void write(Secret existing, String name, IssuedCertificate pair, List<X509Certificate> bundle,
            Map<String, String> annotations) {
        Base64.Encoder b64 = Base64.getEncoder();
        Map<String, String> data = new HashMap<>();
        data.put("tls.crt", b64.encodeToString(pair.certificatePem().getBytes(StandardCharsets.US_ASCII)));
        data.put("tls.key", b64.encodeToString(pair.privateKeyPem().getBytes(StandardCharsets.US_ASCII)));
        data.put("ca.crt", b64.encodeToString(pem(bundle).getBytes(StandardCharsets.US_ASCII)));
        Secret desired = new SecretBuilder().withNewMetadata().withName(name).withNamespace(config.namespace())
                .addToLabels(MANAGED_BY, OPERATOR).addToAnnotations(annotations).endMetadata()
                .withType("kubernetes.io/tls").withData(data).build();
        if (existing == null) {
            client.resource(desired).create();
        } else {
            // update (not apply): replaces annotations too, so agentguard.dev/rotate=now is consumed;
            // the resourceVersion makes a concurrent edit fail and retry rather than be lost.
            desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            client.resource(desired).update();
        }
    }

    static String pem(List<X509Certificate> certificates) {
        return certificates.stream().map(Pem::encode).collect(Collectors.joining());
    }

    private static Optional<IssuedCertificate> readPair(Secret s) {
        try {
            X509Certificate cert = Pem.decodeCertificates(decoded(s, "tls.crt")).get(0);
            var key = Pem.decodePrivateKey(decoded(s, "tls.key"));
            return Optional.of(new IssuedCertificate(cert, new java.security.KeyPair(cert.getPublicKey(), key)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<X509Certificate> readBundle(Secret s) {
        try {
            return Pem.decodeCertificates(decoded(s, "ca.crt"));
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static String decoded(Secret s, String key) {
        if (s == null || s.getData() == null || s.getData().get(key) == null) {
            return "";
        }
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.US_ASCII);
    }

    private static String annotation(Secret s, String key) {
        return s.getMetadata().getAnnotations() == null ? null : s.getMetadata().getAnnotations().get(key);
    }

    private static Instant instant(Secret s, String key) {
        String v = s == null ? null : annotation(s, key);
        try {
            return v == null ? null : Instant.parse(v);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
