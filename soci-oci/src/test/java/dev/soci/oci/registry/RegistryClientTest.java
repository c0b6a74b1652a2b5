package dev.soci.oci.registry;

import dev.soci.oci.internal.Referrers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.registry.DockerConfig.Credential;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RegistryClient} against a real registry (distribution 2.8.2), with and without auth. */
class RegistryClientTest {
  @TempDir static Path dir;
  private static TestRegistry open;
  private static TestRegistry basic;
  private static TokenIssuer issuer;
  private static TestRegistry token;

  @BeforeAll
  static void start() throws Exception {
    open = TestRegistry.start(dir.resolve("open"));
    basic = TestRegistry.start(dir.resolve("basic"), "alice", "wonder land");
    issuer = TokenIssuer.start(dir.resolve("issuer"), "bob", "builder");
    token = TestRegistry.start(dir.resolve("token"), issuer);
  }

  @AfterAll
  static void stop() throws Exception {
    if (token != null) {
      token.close();
    }
    if (issuer != null) {
      issuer.close();
    }
    if (open != null) {
      open.close();
    }
    if (basic != null) {
      basic.close();
    }
  }

  private static RegistryClient client(TestRegistry r, Credential c) {
    return RegistryClient.builder(r.address()).plainHttp(true).credential(c).build();
  }

  /** Pushes a config, a layer and a manifest tagged {@code tag}; returns the manifest. */
  private static RegistryClient.Manifest pushImage(RegistryClient c, String repo, String tag)
      throws Exception {
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = ("layer of " + repo).getBytes(StandardCharsets.UTF_8);
    Descriptor cd = Descriptor.forContent(MediaTypes.OCI_CONFIG, config);
    Descriptor ld = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR, layer);
    assertThat(c.pushBlob(repo, cd, HttpRequest.BodyPublishers.ofByteArray(config))).isTrue();
    assertThat(c.pushBlob(repo, ld, HttpRequest.BodyPublishers.ofByteArray(layer))).isTrue();
    assertThat(c.pushBlob(repo, ld, HttpRequest.BodyPublishers.ofByteArray(layer)))
        .as("a blob already there is not uploaded again").isFalse();
    byte[] manifest = new ImageManifest(2, MediaTypes.OCI_MANIFEST, "", cd, List.of(ld), null,
        Map.of()).toJson();
    RegistryClient.PutResult put = c.putManifest(repo, tag, MediaTypes.OCI_MANIFEST, manifest);
    assertThat(put.digest()).isEqualTo(Digest.of(manifest));
    assertThat(put.subjectProcessed()).as("2.8.2 has no referrers support").isFalse();
    return new RegistryClient.Manifest(manifest, MediaTypes.OCI_MANIFEST, put.digest());
  }

  @Test
  void pushThenReadBackManifestsAndBlobs() throws Exception {
    RegistryClient c = client(open, null);
    RegistryClient.Manifest m = pushImage(c, "team/app", "v1");
    RegistryClient.Manifest byTag = c.getManifest("team/app", "v1").orElseThrow();
    assertThat(byTag.bytes()).isEqualTo(m.bytes());
    assertThat(byTag.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(c.getManifest("team/app", m.digest().toString()).orElseThrow().digest())
        .isEqualTo(m.digest());
    assertThat(c.headManifest("team/app", "v1")).contains(m.descriptor());
    assertThat(c.getManifest("team/app", "missing")).isEmpty();
    assertThat(c.headManifest("team/app", "missing")).isEmpty();

    Descriptor layer = ImageManifest.parse(m.bytes()).layers().get(0);
    try (InputStream in = c.openBlob("team/app", layer)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("layer of team/app");
    }
    assertThat(c.blobExists("team/app", layer.digest())).isTrue();
    assertThat(c.blobExists("team/app", Digest.of(new byte[] {1}))).isFalse();
  }

  @Test
  void anIndexIsReadWithItsOwnMediaType() throws Exception {
    RegistryClient c = client(open, null);
    RegistryClient.Manifest m = pushImage(c, "indexed", "img");
    byte[] index = ImageIndex.of(List.of(m.descriptor())).toJson();
    c.putManifest("indexed", "idx", MediaTypes.OCI_INDEX, index);
    RegistryClient.Manifest got = c.getManifest("indexed", "idx").orElseThrow();
    assertThat(got.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(got.bytes()).isEqualTo(index);
  }

  @Test
  void aBlobWhoseDescriptorLiesFailsVerification() throws Exception {
    RegistryClient c = client(open, null);
    RegistryClient.Manifest m = pushImage(c, "liar", "v1");
    Descriptor layer = ImageManifest.parse(m.bytes()).layers().get(0);
    Descriptor shorter = Descriptor.of(layer.mediaType(), layer.digest(), layer.size() - 1);
    try (InputStream in = c.openBlob("liar", shorter)) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(BlobMismatchException.class);
    }
  }

  @Test
  void crossRepositoryMount() throws Exception {
    RegistryClient c = client(open, null);
    RegistryClient.Manifest m = pushImage(c, "source", "v1");
    Descriptor layer = ImageManifest.parse(m.bytes()).layers().get(0);
    assertThat(c.mountBlob("target", layer.digest(), "source")).isTrue();
    assertThat(c.blobExists("target", layer.digest())).isTrue();
  }

  @Test
  void errorsCarryStatusCodeAndOneLine() throws Exception {
    RegistryClient c = client(open, null);
    Descriptor config = Descriptor.forContent(MediaTypes.OCI_CONFIG, new byte[] {'{', '}'});
    byte[] manifest = new ImageManifest(2, MediaTypes.OCI_MANIFEST, "", config, List.of(), null,
        Map.of()).toJson();
    assertThatThrownBy(() -> c.putManifest("app", "v1", MediaTypes.OCI_MANIFEST, manifest))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.errorCode()).isEqualTo("MANIFEST_BLOB_UNKNOWN");
          assertThat(e.getMessage()).startsWith("manifest_blob_unknown: ")
              .contains("HTTP 400, PUT " + open.address() + "/app manifests/v1").doesNotContain("\n");
        });
    Descriptor missing = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR, new byte[] {9});
    assertThatThrownBy(() -> c.openBlob("app", missing))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void basicAuthAnsweredFromTheChallenge() throws Exception {
    RegistryClient alice = client(basic, new Credential("alice", "wonder land"));
    RegistryClient.Manifest m = pushImage(alice, "private/app", "v1");
    assertThat(alice.getManifest("private/app", "v1").orElseThrow().digest()).isEqualTo(m.digest());

    assertThatThrownBy(() -> client(basic, null).getManifest("private/app", "v1"))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.errorCode()).isEqualTo("UNAUTHORIZED");
        });
    assertThatThrownBy(() -> client(basic, new Credential("alice", "wrong")).getManifest("private/app", "v1"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void bearerTokensFromTheChallengesRealmCachedPerScope() throws Exception {
    RegistryClient bob = client(token, new Credential("bob", "builder"));
    int before = issuer.tokensIssued.get();
    RegistryClient.Manifest m = pushImage(bob, "tokened/app", "v1");
    int afterPush = issuer.tokensIssued.get();
    assertThat(afterPush - before).as("tokens for the push: pull, then pull,push").isBetween(1, 3);
    // The registry names the actions in either order (a Go map): "pull,push" or "push,pull".
    assertThat(issuer.scopes).anySatisfy(scope -> assertThat(scope)
        .startsWith("repository:tokened/app:").contains("push").contains("pull"));
    assertThat(bob.getManifest("tokened/app", "v1").orElseThrow().digest()).isEqualTo(m.digest());
    assertThat(bob.getManifest("tokened/app", m.digest().toString())).isPresent();
    assertThat(issuer.tokensIssued.get() - afterPush).as("the pull token is reused").isLessThanOrEqualTo(1);
    // Referrers under token auth: the fallback index is replaced, the old one deleted (a delete token).
    bob.pushReferrer("tokened/app", referrer(bob, "tokened/app", m.descriptor(), "t1"), MediaTypes.OCI_MANIFEST);
    bob.pushReferrer("tokened/app", referrer(bob, "tokened/app", m.descriptor(), "t2"), MediaTypes.OCI_MANIFEST);
    assertThat(bob.referrers("tokened/app", m.digest(), null)).hasSize(2);
    assertThat(issuer.scopes).contains("repository:tokened/app:delete");

    assertThatThrownBy(() -> client(token, new Credential("bob", "wrong")).getManifest("tokened/app", "v1"))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.getMessage()).contains("GET token from 127.0.0.1");
        });
  }

  /** A SOCI-index-like referrer of {@code subject}: its own config blob pushed first. */
  private static byte[] referrer(RegistryClient c, String repo, Descriptor subject, String note)
      throws Exception {
    byte[] cfg = ("{\"note\":\"" + note + "\"}").getBytes(StandardCharsets.UTF_8);
    Descriptor cd = Descriptor.forContent("application/vnd.amazon.soci.index.v1+json", cfg);
    c.pushBlob(repo, cd, HttpRequest.BodyPublishers.ofByteArray(cfg));
    return new ImageManifest(2, MediaTypes.OCI_MANIFEST, "", cd, List.of(), subject,
        Map.of("note", note)).toJson();
  }

  @Test
  void referrersThroughTheFallbackTagWhereTheRegistryHasNoApi() throws Exception {
    RegistryClient c = client(open, null);
    RegistryClient.Manifest image = pushImage(c, "referred", "v1");
    assertThat(c.referrers("referred", image.digest(), null)).isEmpty();

    Descriptor first = c.pushReferrer("referred", referrer(c, "referred", image.descriptor(), "one"),
        MediaTypes.OCI_MANIFEST);
    assertThat(first.artifactType()).isEqualTo("application/vnd.amazon.soci.index.v1+json");
    Digest firstIndex = c.getManifest("referred", "sha256-" + image.digest().hex()).orElseThrow().digest();
    Descriptor second = c.pushReferrer("referred", referrer(c, "referred", image.descriptor(), "two"),
        MediaTypes.OCI_MANIFEST);

    assertThat(c.referrers("referred", image.digest(), "application/vnd.amazon.soci.index.v1+json"))
        .containsExactly(first, second);
    assertThat(c.referrers("referred", image.digest(), "other/type")).isEmpty();
    assertThat(second.annotations()).containsEntry("note", "two");
    assertThat(c.getManifest("referred", firstIndex.toString()))
        .as("the replaced fallback index is deleted").isEmpty();
    // Pushing the same referrer again changes nothing.
    c.pushReferrer("referred", referrer(c, "referred", image.descriptor(), "two"), MediaTypes.OCI_MANIFEST);
    assertThat(c.referrers("referred", image.digest(), null)).hasSize(2);
    assertThat(c.referrers("no-such-repo", image.digest(), null)).isEmpty();
  }

  @Test
  void filesReadLazilyThroughRangeRequestsEqualTheLayers() throws Exception {
    RegistryClient c = client(open, null);
    Path layerFile = Path.of(System.getProperty("soci.testdata"), "vectors/layers/go-pax.tar.gz");
    byte[] layer = java.nio.file.Files.readAllBytes(layerFile);
    Descriptor ld = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR_GZIP, layer);
    c.pushBlob("lazy", ld, layerFile);
    dev.soci.ztoc.BuiltZtoc built = dev.soci.ztoc.ZtocBuilder.create().spanSize(1 << 20).build(layerFile);
    dev.soci.ztoc.ZtocView ztoc = dev.soci.ztoc.ZtocView.open(built.bytes());
    byte[] tar = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(layer)).readAllBytes();
    try (dev.soci.ztoc.LayerReader remote = dev.soci.ztoc.LayerReader.open(ztoc, c.openRanges("lazy", ld))) {
      int files = 0;
      for (int i = 0; i < ztoc.entryCount(); i++) {
        if (ztoc.type(i) == dev.soci.ztoc.EntryType.REG && ztoc.uncompressedSize(i) > 0) {
          int off = (int) ztoc.uncompressedOffset(i);
          assertThat(remote.readFile(ztoc.name(i))).as(ztoc.name(i))
              .isEqualTo(java.util.Arrays.copyOfRange(tar, off, off + (int) ztoc.uncompressedSize(i)));
          files++;
        }
      }
      assertThat(files).isGreaterThan(5);
    }
    dev.soci.core.RangeSource ranges = c.openRanges("lazy", ld);
    java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(10);
    ranges.readFully(layer.length - 10, tail);
    assertThat(tail.array()).isEqualTo(java.util.Arrays.copyOfRange(layer, layer.length - 10, layer.length));
    assertThatThrownBy(() -> ranges.readFully(layer.length - 5, java.nio.ByteBuffer.allocate(10)))
        .isInstanceOf(java.io.EOFException.class);
    // A descriptor claiming more than the registry holds: the registry clamps the range, and a
    // clamped Content-Range is not taken for the bytes asked for.
    Descriptor longer = Descriptor.of(ld.mediaType(), ld.digest(), ld.size() + 100);
    assertThatThrownBy(() -> c.openRanges("lazy", longer).readFully(ld.size() - 10,
        java.nio.ByteBuffer.allocate(50)))
        .isInstanceOfSatisfying(RegistryException.class,
            e -> assertThat(e.getMessage()).contains("Content-Range"));
  }

  @Test
  void noRegistryThereIsOneClearError() {
    RegistryClient c = RegistryClient.builder("127.0.0.1:1").plainHttp(true)
        .timeout(java.time.Duration.ofSeconds(2)).build();
    assertThatThrownBy(() -> c.getManifest("app", "v1"))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.status()).isZero();
          assertThat(e.getMessage()).contains("no answer from 127.0.0.1:1");
        });
  }
}
