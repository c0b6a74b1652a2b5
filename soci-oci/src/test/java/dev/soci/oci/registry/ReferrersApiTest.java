package dev.soci.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.internal.Referrers;
import dev.soci.oci.index.SociIndex;
import dev.soci.oci.index.SociIndexVersion;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link RegistryClient#referrers} and {@link RegistryClient#pushReferrer} against a registry
 * that has the OCI 1.1 referrers API: {@link ReferrersRegistry}, our own, since nothing
 * installable here has it.
 */
class ReferrersApiTest {
  private static final String SIG = "application/vnd.example.signature.v1";
  private static final String SBOM = "application/vnd.example.sbom.v1";
  private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.US_ASCII);

  private static RegistryClient client(ReferrersRegistry r) {
    return RegistryClient.builder(r.address()).plainHttp(true).timeout(Duration.ofSeconds(20))
        .build();
  }

  private static void push(RegistryClient c, String repo, Descriptor d, byte[] content)
      throws Exception {
    c.pushBlob(repo, d, HttpRequest.BodyPublishers.ofByteArray(content));
  }

  /** Pushes a one-layer image tagged {@code v1}; returns its manifest's descriptor. */
  private static Descriptor pushImage(RegistryClient c, String repo) throws Exception {
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}"
        .getBytes(StandardCharsets.UTF_8);
    byte[] layer = ("layer of " + repo).getBytes(StandardCharsets.UTF_8);
    Descriptor cd = Descriptor.forContent(MediaTypes.OCI_CONFIG, config);
    Descriptor ld = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR_GZIP, layer);
    push(c, repo, cd, config);
    push(c, repo, ld, layer);
    byte[] manifest = new ImageManifest(2, MediaTypes.OCI_MANIFEST, "", cd, List.of(ld), null,
        Map.of()).toJson();
    c.putManifest(repo, "v1", MediaTypes.OCI_MANIFEST, manifest);
    return Descriptor.forContent(MediaTypes.OCI_MANIFEST, manifest);
  }

  /**
   * A SOCI index v1 of {@code image} (one zTOC of its layer, build tool {@code tool}), its
   * config and zTOC blobs pushed first; the manifest bytes.
   */
  private static byte[] sociIndex(RegistryClient c, String repo, Descriptor image, String tool)
      throws Exception {
    Descriptor layer = ImageManifest.parse(c.getManifest(repo, image.digest().toString())
        .orElseThrow().bytes()).layers().get(0);
    byte[] ztoc = ("ztoc of " + layer.digest() + " by " + tool).getBytes(StandardCharsets.UTF_8);
    push(c, repo, SociIndex.configDescriptor(SociIndexVersion.V1), SociIndex.configBytes());
    push(c, repo, Descriptor.forContent(MediaTypes.ZTOC, ztoc), ztoc);
    return SociIndex.builder(SociIndexVersion.V1).subject(image).buildToolIdentifier(tool)
        .addZtoc(SociIndex.ztocDescriptor(Digest.of(ztoc), ztoc.length, layer,
            dev.soci.ztoc.ZtocBuilder.DEFAULT_SPAN_SIZE, false))
        .build().toJson();
  }

  /** An artifact manifest of {@code artifactType} about {@code subject} (empty config). */
  private static ImageManifest artifact(Descriptor subject, String artifactType, String note) {
    return new ImageManifest(2, MediaTypes.OCI_MANIFEST, artifactType,
        Descriptor.forContent(MediaTypes.OCI_EMPTY, EMPTY), List.of(), subject.withoutExtras(),
        Map.of("org.example.note", note));
  }

  private static Descriptor pushArtifact(RegistryClient c, String repo, Descriptor subject,
      String artifactType, String note) throws Exception {
    push(c, repo, Descriptor.forContent(MediaTypes.OCI_EMPTY, EMPTY), EMPTY);
    return c.pushReferrer(repo, artifact(subject, artifactType, note).toJson(),
        MediaTypes.OCI_MANIFEST);
  }

  @Test
  void aReferrerWithSubjectIsIndexedByTheRegistryWithoutAFallbackTag() throws Exception {
    try (ReferrersRegistry server = ReferrersRegistry.start()) {
      RegistryClient c = client(server);
      Descriptor image = pushImage(c, "app");
      assertThat(c.referrers("app", image.digest(), null)).as("an empty index, not a 404")
          .isEmpty();

      byte[] soci = sociIndex(c, "app", image, "test tool 1");
      Descriptor entry = c.pushReferrer("app", soci, MediaTypes.OCI_MANIFEST);
      assertThat(entry.digest()).isEqualTo(Digest.of(soci));
      assertThat(entry.artifactType()).isEqualTo(MediaTypes.SOCI_INDEX_V1);
      assertThat(entry.annotations())
          .containsEntry(MediaTypes.ANNOTATION_BUILD_TOOL_IDENTIFIER, "test tool 1");
      Descriptor sig = pushArtifact(c, "app", image, SIG, "signed");

      // The OCI-Subject path: no fallback tag was read, written or created.
      assertThat(c.getManifest("app", Referrers.fallbackTag(image.digest()))).isEmpty();
      assertThat(server.requests()).filteredOn(r -> r.contains("/manifests/sha256-"))
          .as("only the check just made").hasSize(1);
      assertThat(c.putManifest("app", entry.digest().toString(), MediaTypes.OCI_MANIFEST, soci)
          .subjectProcessed()).as("OCI-Subject on the PUT").isTrue();

      assertThat(c.referrers("app", image.digest(), MediaTypes.SOCI_INDEX_V1))
          .containsExactly(entry);
      assertThat(server.requests()).contains("GET /v2/app/referrers/" + image.digest()
          + "?artifactType=application%2Fvnd.amazon.soci.index.v1%2Bjson");
      List<Descriptor> all = c.referrers("app", image.digest(), null);
      assertThat(all).containsExactly(entry, sig);
      assertThat(all.get(1).artifactType()).as("the manifest's own artifactType").isEqualTo(SIG);
      assertThat(all.get(1).annotations()).containsEntry("org.example.note", "signed");
      assertThat(c.referrers("app", image.digest(), "no/such-type")).isEmpty();
      assertThat(c.referrers("no-such-repo", image.digest(), null)).as("NAME_UNKNOWN").isEmpty();
    }
  }

  @Test
  void aServerThatIgnoresTheFilterIsFilteredByTheClient() throws Exception {
    try (ReferrersRegistry server = ReferrersRegistry.builder().filters(false).start()) {
      RegistryClient c = client(server);
      Descriptor image = pushImage(c, "unfiltered");
      Descriptor soci = c.pushReferrer("unfiltered", sociIndex(c, "unfiltered", image, "t"),
          MediaTypes.OCI_MANIFEST);
      Descriptor sig = pushArtifact(c, "unfiltered", image, SIG, "s");
      Descriptor sbom = pushArtifact(c, "unfiltered", image, SBOM, "b");

      assertThat(c.referrers("unfiltered", image.digest(), MediaTypes.SOCI_INDEX_V1))
          .containsExactly(soci);
      assertThat(c.referrers("unfiltered", image.digest(), SBOM)).containsExactly(sbom);
      assertThat(c.referrers("unfiltered", image.digest(), null)).containsExactly(soci, sig, sbom);
      assertThat(server.requests()).as("the filter was asked for, and ignored")
          .contains("GET /v2/unfiltered/referrers/" + image.digest()
              + "?artifactType=application%2Fvnd.example.sbom.v1");
    }
  }

  @Test
  void referrersComeInLinkedPagesFollowedToTheEnd() throws Exception {
    try (ReferrersRegistry server = ReferrersRegistry.builder().pageSize(2).prevLinks(true)
        .start()) {
      RegistryClient c = client(server);
      Descriptor image = pushImage(c, "paged");
      List<Descriptor> pushed = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        pushed.add(pushArtifact(c, "paged", image, i % 2 == 0 ? SIG : SBOM, "n" + i));
      }
      long before = server.requestsTo("/referrers/");
      assertThat(c.referrers("paged", image.digest(), null)).containsExactlyElementsOf(pushed);
      assertThat(server.requestsTo("/referrers/") - before).as("3 pages of 2, 2 and 1")
          .isEqualTo(3);
      // Filtered by the server: 3 signatures, pages of 2 and 1.
      assertThat(c.referrers("paged", image.digest(), SIG))
          .containsExactly(pushed.get(0), pushed.get(2), pushed.get(4));
    }
    try (ReferrersRegistry server = ReferrersRegistry.builder().pageSize(2).absoluteLinks(true)
        .filters(false).start()) {
      RegistryClient c = client(server);
      Descriptor image = pushImage(c, "absolute");
      List<Descriptor> sigs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Descriptor d = pushArtifact(c, "absolute", image, i < 3 ? SBOM : SIG, "n" + i);
        if (i >= 3) {
          sigs.add(d);
        }
      }
      // Absolute same-origin links; the client filters each page (the first has no signature).
      assertThat(c.referrers("absolute", image.digest(), SIG)).containsExactlyElementsOf(sigs);
      assertThat(server.requestsTo("/referrers/")).isEqualTo(3);
    }
  }

  @Test
  void aNextLinkToAnotherOriginIsRefused() throws Exception {
    for (String hostile : List.of("http://attacker.invalid", "http://127.0.0.1:1",
        "https://127.0.0.1")) {
      try (ReferrersRegistry server = ReferrersRegistry.builder().pageSize(1)
          .linkOrigin(hostile).start()) {
        RegistryClient c = client(server);
        Descriptor image = pushImage(c, "lured");
        pushArtifact(c, "lured", image, SIG, "one");
        pushArtifact(c, "lured", image, SIG, "two");
        assertThatThrownBy(() -> c.referrers("lured", image.digest(), null))
            .isInstanceOf(RegistryException.class)
            .hasMessageContaining("<" + hostile + "/v2/lured/referrers/")
            .hasMessageContaining("leaves the registry http://" + server.address())
            .hasMessageContaining("not followed");
        assertThat(server.requestsTo("/referrers/")).as("only the first page").isEqualTo(1);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = ReferrersRegistry.Api.class, names = {"HTML_PAGE", "NOT_FOUND"})
  void aLaterPageThatIsNotAnIndexFailsWithoutFallingBack(ReferrersRegistry.Api later)
      throws Exception {
    try (ReferrersRegistry server = ReferrersRegistry.builder().pageSize(1).laterPages(later)
        .start()) {
      RegistryClient c = client(server);
      Descriptor image = pushImage(c, "broken");
      pushArtifact(c, "broken", image, SIG, "one");
      pushArtifact(c, "broken", image, SIG, "two");
      assertThatThrownBy(() -> c.referrers("broken", image.digest(), SIG))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("(page 2)")
          .hasMessageContaining(later == ReferrersRegistry.Api.NOT_FOUND
              ? "a later page of referrers is missing"
              : "a later page of referrers is text/html, not an image index");
      assertThat(server.requestsTo("/manifests/sha256-")).as("no fallback mid-listing").isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(value = ReferrersRegistry.Api.class, names = {"HTML_PAGE", "NOT_FOUND"})
  void withoutTheApiTheFallbackTagIsWrittenAndRead(ReferrersRegistry.Api api) throws Exception {
    try (ReferrersRegistry server = ReferrersRegistry.builder().api(api).start()) {
      RegistryClient c = client(server);
      Descriptor image = pushImage(c, "legacy");
      Descriptor soci = c.pushReferrer("legacy", sociIndex(c, "legacy", image, "t"),
          MediaTypes.OCI_MANIFEST);
      Descriptor sig = pushArtifact(c, "legacy", image, SIG, "s");

      RegistryClient.Manifest tag = c.getManifest("legacy", Referrers.fallbackTag(image.digest()))
          .orElseThrow();
      assertThat(tag.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
      assertThat(ImageIndex.parse(tag.bytes()).manifests()).containsExactly(soci, sig);
      long before = server.requestsTo("/manifests/sha256-");
      assertThat(c.referrers("legacy", image.digest(), MediaTypes.SOCI_INDEX_V1))
          .containsExactly(soci);
      assertThat(server.requestsTo("/manifests/sha256-") - before).as("read from the tag")
          .isEqualTo(1);
      assertThat(c.referrers("legacy", image.digest(), null)).containsExactly(soci, sig);
    }
  }

  /** Stores {@code count} signatures of {@code subject} directly (no HTTP), in order. */
  private static List<Descriptor> storeSignatures(ReferrersRegistry server, String repo,
      Descriptor subject, int from, int count) throws OciException {
    List<Descriptor> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      byte[] m = artifact(subject, SIG, Integer.toString(i)).toJson();
      server.store(repo, Digest.of(m).toString(), MediaTypes.OCI_MANIFEST, m);
      out.add(Descriptor.forContent(MediaTypes.OCI_MANIFEST, m));
    }
    return out;
  }

  @Test
  void pagesAreFollowedUpTo100() throws Exception {
    try (ReferrersRegistry server = ReferrersRegistry.builder().pageSize(1).start()) {
      RegistryClient c = client(server);
      Descriptor image = pushImage(c, "many");
      storeSignatures(server, "many", image, 0, 100);
      assertThat(c.referrers("many", image.digest(), SIG)).hasSize(100);
      assertThat(server.requestsTo("/referrers/")).isEqualTo(100);

      storeSignatures(server, "many", image, 100, 1);
      assertThatThrownBy(() -> c.referrers("many", image.digest(), SIG))
          .isInstanceOf(OciException.class)
          .hasMessageContaining("(page 100)")
          .hasMessageContaining("links more than 100 pages of referrers");
      assertThat(server.requestsTo("/referrers/")).as("the 101st is not asked for").isEqualTo(200);
    }
  }

  @Test
  void atMost10000ReferrersAreRead() throws Exception {
    try (ReferrersRegistry server = ReferrersRegistry.builder().pageSize(5000).start()) {
      RegistryClient c = client(server);
      Descriptor image = pushImage(c, "crowded");
      storeSignatures(server, "crowded", image, 0, 10_000);
      assertThat(c.referrers("crowded", image.digest(), null)).hasSize(10_000);

      storeSignatures(server, "crowded", image, 10_000, 1);
      assertThatThrownBy(() -> c.referrers("crowded", image.digest(), null))
          .isInstanceOf(OciException.class)
          .hasMessageContaining("(page 3)")
          .hasMessageContaining("lists more than 10000 referrers");
    }
    try (ReferrersRegistry server = ReferrersRegistry.builder()
        .api(ReferrersRegistry.Api.NOT_FOUND).start()) {
      RegistryClient c = client(server);
      Descriptor image = pushImage(c, "crowded");
      List<Descriptor> sigs = storeSignatures(server, "crowded", image, 0, 10_001);
      server.store("crowded", Referrers.fallbackTag(image.digest()), MediaTypes.OCI_INDEX,
          ImageIndex.of(sigs).toJson());
      assertThatThrownBy(() -> c.referrers("crowded", image.digest(), SIG))
          .isInstanceOf(OciException.class)
          .hasMessageContaining(":" + Referrers.fallbackTag(image.digest()) + " lists 10001");
    }
  }

  @Test
  void theTestRegistryChecksWhatItIsSent() throws Exception {
    try (ReferrersRegistry server = ReferrersRegistry.start()) {
      RegistryClient c = client(server);
      Descriptor image = pushImage(c, "strict");
      byte[] missing = "{\"missing\":1}".getBytes(StandardCharsets.UTF_8);
      byte[] orphan = new ImageManifest(2, MediaTypes.OCI_MANIFEST, "",
          Descriptor.forContent(MediaTypes.OCI_CONFIG, missing), List.of(), image, Map.of())
          .toJson();
      assertThatThrownBy(() -> c.putManifest("strict", "x", MediaTypes.OCI_MANIFEST, orphan))
          .isInstanceOfSatisfying(RegistryException.class,
              e -> assertThat(e.errorCode()).isEqualTo("MANIFEST_BLOB_UNKNOWN"));
      byte[] blob = "abc".getBytes(StandardCharsets.UTF_8);
      Descriptor liar = Descriptor.of(MediaTypes.OCI_LAYER_TAR, Digest.of(new byte[] {1}), 3);
      assertThatThrownBy(() -> push(c, "strict", liar, blob))
          .isInstanceOfSatisfying(RegistryException.class,
              e -> assertThat(e.errorCode()).isEqualTo("DIGEST_INVALID"));
      Descriptor layer = ImageManifest.parse(c.getManifest("strict", "v1").orElseThrow().bytes())
          .layers().get(0);
      byte[] two = new byte[2];
      c.openRanges("strict", layer).readFully(3, java.nio.ByteBuffer.wrap(two));
      assertThat(new String(two, StandardCharsets.UTF_8)).isEqualTo("er");
      assertThat(c.headManifest("strict", "v1")).contains(image);
      assertThat(c.deleteManifest("strict", image.digest())).isTrue();
      assertThat(c.getManifest("strict", "v1")).as("its tag goes with it").isEmpty();
    }
  }
}
