package dev.agentguard.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An OCI image layout tarball as the build writes it ({@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/...}), read the way a runtime would: index, then manifest, then the
 * config and the layers in their order.
 */
record OciImageLayout(ImageConfig config, List<Layer> layers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A layer blob and whether it is gzip-compressed (by its media type). */
    record Layer(Path blob, boolean gzip) {
    }

    /** Extracts {@code tarball} into {@code directory} and reads its single image. */
    static OciImageLayout read(Path tarball, Path directory) {
        try {
            extract(tarball, directory);
            if (!Files.exists(directory.resolve("oci-layout"))) {
                throw new IllegalStateException(tarball + " is not an OCI image layout (no oci-layout file)");
            }
            JsonNode index = JSON.readTree(directory.resolve("index.json").toFile());
            JsonNode manifests = index.path("manifests");
            if (manifests.size() != 1) {
                throw new IllegalStateException(tarball + ": expected one manifest, found " + manifests.size());
            }
            JsonNode manifest = JSON.readTree(blob(directory, manifests.get(0).path("digest").asText()).toFile());
            ImageConfig config = ImageConfig.from(
                    JSON.readTree(blob(directory, manifest.path("config").path("digest").asText()).toFile()));
            List<Layer> layers = new ArrayList<>();
            for (JsonNode layer : manifest.path("layers")) {
                layers.add(new Layer(blob(directory, layer.path("digest").asText()),
                        layer.path("mediaType").asText().endsWith("+gzip")));
            }
            return new OciImageLayout(config, layers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tarball, e);
        }
    }

    private static Path blob(Path layout, String digest) {
        String[] parts = digest.split(":", 2);
        return layout.resolve("blobs").resolve(parts[0]).resolve(parts[1]);
    }

    /** The outer tarball holds only plain files and directories (no links): extract them as they are. */
    private static void extract(Path tarball, Path directory) throws IOException {
        try (InputStream in = Files.newInputStream(tarball); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = directory.resolve(entry.getName()).normalize();
                if (!target.startsWith(directory)) {
                    throw new IllegalStateException("entry outside the layout: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                }
            }
        }
    }
}
