package dev.agentguard.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;

/**
 * One deployable's image: its Quarkus fast-jar ({@code target/quarkus-app}) on a base,
 * run as 65532:65532 the way the manifests run it, written as an OCI image layout tarball.
 *
 * @param quarkusApp the module's {@code target/quarkus-app}
 */
record AppImage(ImageReference reference, Path quarkusApp, String version) {

    static final String USER = "65532:65532";
    static final String APP_DIR = "/app";

    /**
     * The JVM sizes its heap from the container's memory limit (75 % rather than the default
     * 25 %); further flags come through JAVA_TOOL_OPTIONS, as the webhook sets for the shim.
     */
    static final List<String> ENTRYPOINT = List.of("java", "-XX:MaxRAMPercentage=75", "-jar",
            APP_DIR + "/quarkus-run.jar");

    /** Writes the image to {@code tarball}, reusing compressed layers from {@code layerCache}. */
    JibContainer writeTo(BaseImage base, Path tarball, Path layerCache) {
        if (!Files.isRegularFile(quarkusApp.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(quarkusApp + " has no quarkus-run.jar; package the module first");
        }
        try {
            Files.createDirectories(tarball.getParent());
            return base.builder()
                    .setFormat(ImageFormat.OCI)
                    // Dependencies change less often than the app: their own layer stays cached in registries.
                    .addFileEntriesLayer(new DirectoryLayer("dependencies").add(quarkusApp.resolve("lib"),
                            APP_DIR + "/lib").build())
                    .addFileEntriesLayer(new DirectoryLayer("application")
                            .addEach(applicationFiles(), APP_DIR).build())
                    .setEntrypoint(ENTRYPOINT)
                    // Empty, not inherited: a public base's Cmd (Temurin's is jshell) would become arguments.
                    .setProgramArguments(List.of())
                    .setUser(USER)
                    .setWorkingDirectory(AbsoluteUnixPath.get(APP_DIR))
                    .addLabel("org.opencontainers.image.title", "agentguard-" + reference.repository())
                    .addLabel("org.opencontainers.image.version", version)
                    .addLabel("org.opencontainers.image.source", "https://github.com/agentguard/agentguard")
                    .addLabel("org.opencontainers.image.base.name", base.describe())
                    .containerize(Containerizer.to(TarImage.at(tarball).named(reference.toString()))
                            .setApplicationLayersCache(layerCache)
                            .setBaseImageLayersCache(layerCache.resolve("base"))
                            .setToolName("agentguard-images"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted building " + reference, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build " + reference, e);
        } catch (RegistryException | ExecutionException | CacheDirectoryCreationException
                | InvalidImageReferenceException e) {
            throw new IllegalStateException("cannot build " + reference + ": " + e.getMessage(), e);
        }
    }

    /** Everything in quarkus-app but lib/: quarkus-run.jar, app/, quarkus/ and the dependency list. */
    private List<Path> applicationFiles() {
        try (Stream<Path> files = Files.list(quarkusApp)) {
            return files.filter(file -> !file.getFileName().toString().equals("lib")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
