package dev.agentguard.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;

/**
 * What an image starts from: the root filesystem assembled here by
 * {@code hack/image-base.sh}, or (outside this machine) a public JRE image.
 */
sealed interface BaseImage {

    /** A fresh builder on this base, ready for the app's layers. */
    JibContainerBuilder builder();

    /** For the image's labels. */
    String describe();

    /** {@code local}, or an image reference. */
    static BaseImage parse(String value, Path localRootfs) {
        return value.equals("local") ? new Local(localRootfs) : new Public(value);
    }

    /**
     * No registry: {@code scratch} plus one layer with the jlink'd runtime in /opt/java, its
     * Debian libraries, CA certificates, the 65532 user and /tmp. Every image shares it, so
     * a registry stores and a node pulls it once.
     */
    record Local(Path rootfs) implements BaseImage {
        @Override
        public JibContainerBuilder builder() {
            return Jib.fromScratch()
                    .addFileEntriesLayer(new DirectoryLayer("base").addEach(childrenExceptTmp(), "")
                            .directory(rootfs.resolve("tmp"), "/tmp", "65532:65532").build())
                    .setEnvironment(environment());
        }

        /** In a fixed order (Map.of's varies between JVM runs), so the config digest does not. */
        private static Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("PATH", "/opt/java/bin:/usr/bin:/bin");
            env.put("JAVA_HOME", "/opt/java");
            // Java takes its default charset and file-name encoding from the locale; glibc 2.36 has C.UTF-8 built in.
            env.put("LANG", "C.UTF-8");
            return env;
        }

        private List<Path> childrenExceptTmp() {
            try (Stream<Path> children = Files.list(rootfs)) {
                return children.filter(child -> !child.getFileName().toString().equals("tmp")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the image base " + rootfs, e);
            }
        }

        @Override
        public String describe() {
            return "local:" + rootfs.getParent().getFileName();
        }
    }

    /** A JRE image from a registry; it brings its own java on PATH and, ideally, the 65532 user. */
    record Public(String reference) implements BaseImage {
        @Override
        public JibContainerBuilder builder() {
            try {
                return Jib.from(RegistryImage.named(reference));
            } catch (InvalidImageReferenceException e) {
                throw new IllegalArgumentException("images.base: not an image reference: " + reference, e);
            }
        }

        @Override
        public String describe() {
            return reference;
        }
    }
}
