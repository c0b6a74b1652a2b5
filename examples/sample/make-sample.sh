#!/usr/bin/env bash
# Regenerates examples/sample/layout, a tiny single-manifest OCI image layout (linux/amd64) made
# from two small test layers: testdata/vectors/layers/tiny.tar.gz (gzip) and small-plain.tar
# (uncompressed). Deterministic: run it again and `git diff` shows nothing.
#
#   ./soci convert --min-layer-size 0 examples/sample/layout /tmp/sample-soci
#
# (--min-layer-size 0: both layers are far below the default 10 MiB minimum, which would skip
# them and end in "no ztocs created".)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
layers="$here/../../testdata/vectors/layers"
out="$here/layout"
rm -rf "$out"
mkdir -p "$out/blobs/sha256"

sha() { sha256sum | cut -d' ' -f1; }
put() { # put FILE -> prints hex digest, stores the blob
  local h; h="$(sha < "$1")"; cp "$1" "$out/blobs/sha256/$h"; echo "$h"
}
putstr() { # putstr STRING -> prints hex digest
  local h; h="$(printf '%s' "$1" | sha)"; printf '%s' "$1" > "$out/blobs/sha256/$h"; echo "$h"
}
size() { stat -c %s "$1"; }

l1="$(put "$layers/tiny.tar.gz")";     s1="$(size "$layers/tiny.tar.gz")"
l2="$(put "$layers/small-plain.tar")"; s2="$(size "$layers/small-plain.tar")"
d1="$(gzip -dc "$layers/tiny.tar.gz" | sha)"
d2="$(sha < "$layers/small-plain.tar")"

config='{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:'"$d1"'","sha256:'"$d2"'"]}}'
c="$(putstr "$config")"
manifest='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'"$c"'","size":'"${#config}"'},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:'"$l1"'","size":'"$s1"'},{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:'"$l2"'","size":'"$s2"'}]}'
m="$(putstr "$manifest")"
printf '%s' '{"imageLayoutVersion":"1.0.0"}' > "$out/oci-layout"
printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:'"$m"'","size":'"${#manifest}"',"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' > "$out/index.json"
echo "wrote $out (manifest sha256:$m)"
