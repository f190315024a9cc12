#!/usr/bin/env bash
# Assembles the root filesystem every agentguard image starts from, without a
# registry: a jlink'd Java 17 runtime plus exactly the Debian shared libraries it
# and netty-tcnative link against, CA certificates, /etc/passwd and /etc/group with the 65532 user,
# and /tmp. Cached by everything that goes into it, so a warm run only checks
# the key (see docs/images.md).
#
#   hack/image-base.sh            build if missing, print the rootfs directory
#   hack/image-base.sh --check    exit 1 unless it is cached
#   hack/image-base.sh --jdeps    print the JDK modules the packaged apps use (jdeps)
#
# Why the host's packages: the runtime is jlink'd from the host's Debian
# openjdk-17 package, so the glibc, zlib and libstdc++ it was built and tested
# against are the host's own Debian packages (same release, same versions).
# Each library is resolved with ldd, traced to its package with dpkg -S, and its
# package, version and copyright file are recorded in the image.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
java_home=${IMAGE_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
# Measured with jdeps over all four apps' quarkus-app jars (hack/image-base.sh --jdeps
# repeats it): java.desktop (java.beans), java.logging, java.management, java.naming,
# java.rmi (jakarta.transaction signatures), java.sql, java.transaction.xa, java.xml,
# jdk.unsupported. Plus what is reached only through ServiceLoader or reflection, which
# jdeps cannot see: jdk.crypto.ec (ECDHE and EC keys in TLS), jdk.management
# (com.sun.management metrics), jdk.naming.dns, jdk.zipfs. The image tests prove the set
# suffices for every app; docs/images.md has the sizes.
modules=${IMAGE_JAVA_MODULES:-java.base,java.desktop,java.logging,java.management,java.naming,java.rmi,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.unsupported,jdk.zipfs}
packages_of_interest="ca-certificates ca-certificates-java"
gui_natives=$(printf '**/lib/%s.so,' libawt_xawt libsplashscreen libfontmanager libjawt liblcms libmlib_image \
  libjsound libjavajpeg)

# The JDK modules the packaged apps use, by jdeps: the measurement behind $modules.
if [[ "${1:-}" == "--jdeps" ]]; then
  for app in "$here"/../{webhook,exec-shim,proxy,operator}/target/quarkus-app; do
    jars=$(find "$app/lib" -name '*.jar'); path=$(echo $jars | tr ' ' ':')
    for jar in $jars; do
      "$java_home/bin/jdeps" -s --multi-release 17 --ignore-missing-deps --module-path "$path" "$jar" 2>/dev/null
    done
  done | awk '$3 ~ /^(java|jdk)\./ {print $3}' | sort -u | paste -sd,
  exit 0
fi

[[ -x "$java_home/bin/jlink" && -d "$java_home/jmods" ]] || {
  echo "image-base: $java_home has no jlink/jmods (apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
command -v dpkg-query >/dev/null || { echo "image-base: needs a Debian host (dpkg-query)" >&2; exit 1; }

# Resolves every shared library the runtime needs (transitively, as ldd does).
runtime_libraries() { # <runtime dir>
  find "$1" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
    | xargs -0 ldd 2>/dev/null \
    | awk '/=> \// {print $3} /^\t\/lib64\// {print $1}' | sort -u
}

java_pkg=$(dpkg -S "$java_home/jmods/java.base.jmod" | cut -d: -f1)
host_libs=$(runtime_libraries "$java_home")
lib_pkgs=$(for l in $host_libs; do dpkg -S "$(readlink -f "$l")" 2>/dev/null || dpkg -S "$l"; done \
  | cut -d: -f1 | sort -u)
versions=$(dpkg-query -W -f '${Package}=${Version}\n' $java_pkg $lib_pkgs $packages_of_interest | sort)
key=$( { echo "$versions"; echo "$modules"; cat "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-16)

root=${IMAGE_BASE_ROOT:-$HOME/.cache/agentguard/image-base}
dir="$root/$key"
if [[ -f "$dir/.complete" ]]; then echo "$dir/rootfs"; exit 0; fi
if [[ "${1:-}" == "--check" ]]; then
  echo "image base missing in $dir" >&2; exit 1
fi

start=$(date +%s)
mkdir -p "$root"
tmp=$(mktemp -d "$root/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
rootfs="$tmp/rootfs"
mkdir -p "$rootfs"/{etc,tmp,opt,lib/x86_64-linux-gnu,lib64,usr/share/agentguard,usr/share/doc,etc/ssl/certs}

echo "image-base: jlink $modules" >&2
# java.desktop is there for java.beans (Quarkus core, SnakeYAML); its GUI natives, which
# would pull in X11, freetype and ALSA, are left out: the apps run headless.
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --exclude-files="$gui_natives" --output "$rootfs/opt/java" >&2
# Debian's JDK points its trust store at ca-certificates-java; the image carries that store itself.
cp --remove-destination /etc/ssl/certs/java/cacerts "$rootfs/opt/java/lib/security/cacerts"
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"

# The libraries the jlink'd runtime needs, each at the path the dynamic loader searches,
# plus those of the native library the proxy and the shim ship in a jar: netty-tcnative's
# BoringSSL (TLS) links glibc's librt, libpthread and libdl, which the JDK's own do not.
# ImageRunIT proves it loads: both images must log "TLS by OpenSSL".
native_libs="librt.so.1 libpthread.so.0 libdl.so.2"
libs=$( { runtime_libraries "$rootfs/opt/java" | grep -v "^$rootfs/"
  for l in $native_libs; do ls "/lib/x86_64-linux-gnu/$l"; done; } | sort -u)
used_pkgs=$(for l in $libs; do dpkg -S "$(readlink -f "$l")" 2>/dev/null || dpkg -S "$l"; done | cut -d: -f1 | sort -u)
for lib in $libs; do
  case "$lib" in
    /lib64/*) cp -L "$lib" "$rootfs/lib64/" ;;
    *) cp -L "$lib" "$rootfs/lib/x86_64-linux-gnu/$(basename "$lib")" ;;
  esac
done
for p in $java_pkg $used_pkgs $packages_of_interest; do
  name=${p%%:*}
  [[ -f "/usr/share/doc/$name/copyright" ]] && mkdir -p "$rootfs/usr/share/doc/$name" \
    && cp "/usr/share/doc/$name/copyright" "$rootfs/usr/share/doc/$name/"
done
dpkg-query -W -f '${Package}=${Version}\n' $java_pkg $used_pkgs $packages_of_interest | sort \
  > "$rootfs/usr/share/agentguard/base-packages"
echo "modules=$modules" >> "$rootfs/usr/share/agentguard/base-packages"

cat > "$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat > "$rootfs/etc/group" <<'EOF'
root:x:0:
nonroot:x:65532:
EOF
# glibc 2.36 has the files and dns backends built in; without this file it would try other sources first.
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$rootfs/etc/nsswitch.conf"

# Prove the result runs before caching it (the loader is the image's own, not the host's).
"$rootfs/lib64/ld-linux-x86-64.so.2" --library-path "$rootfs/lib/x86_64-linux-gnu" \
  "$rootfs/opt/java/bin/java" -version >/dev/null 2>&1 \
  || { echo "image-base: the assembled runtime does not start" >&2; exit 1; }

mv "$tmp" "$dir.new" && rm -rf "$dir" && mv "$dir.new" "$dir"
trap - EXIT
touch "$dir/.complete"
echo "image-base: built $dir in $(( $(date +%s) - start ))s ($(du -sh "$dir/rootfs" | cut -f1))" >&2
echo "$dir/rootfs"
