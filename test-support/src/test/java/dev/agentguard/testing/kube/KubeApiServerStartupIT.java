package dev.agentguard.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A control plane that cannot start must say so loudly and leave no process behind. */
class KubeApiServerStartupIT {

    @Test
    void missingBinaryIsNamed(@TempDir Path empty) {
        assertThatThrownBy(() -> KubeApiServer.start(new KubeBinaries(empty)))
                .isInstanceOf(KubeStartException.class)
                .hasMessageContaining(empty.resolve("etcd") + " is missing")
                .hasMessageContaining("hack/kube-binaries.sh");
    }

    @Test
    void apiServerThatExitsReportsItsLogAndStopsEtcd(@TempDir Path bin) throws IOException {
        Path realEtcd = KubeBinaries.locate().etcd();
        Files.createSymbolicLink(bin.resolve("etcd"), realEtcd);
        Path broken = bin.resolve("kube-apiserver");
        Files.writeString(broken, "#!/bin/sh\necho 'Error: unknown flag: --etcd-servers' >&2\nexit 3\n");
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwxr-xr-x"));

        Set<Long> etcdBefore = etcdChildren();

        assertThatThrownBy(() -> KubeApiServer.start(new KubeBinaries(bin)))
                .isInstanceOf(KubeStartException.class)
                .hasMessageContaining("kube-apiserver exited with code 3")
                .hasMessageContaining("unknown flag: --etcd-servers");

        assertThat(etcdChildren()).as("the failed start's etcd is stopped").isEqualTo(etcdBefore);
    }

    private static Set<Long> etcdChildren() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/etcd")).orElse(false))
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }
}
