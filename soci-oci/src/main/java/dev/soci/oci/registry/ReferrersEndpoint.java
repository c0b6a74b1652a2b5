package dev.soci.oci.registry;

import static dev.soci.oci.registry.RegistryClient.MAX_MANIFEST_SIZE;
import static dev.soci.oci.registry.RegistryTransport.PULL;
import static dev.soci.oci.registry.Responses.error;
import static dev.soci.oci.registry.Responses.readBounded;

import dev.soci.oci.registry.RegistryClient.Manifest;
import dev.soci.oci.registry.RegistryClient.PutResult;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.internal.Referrers;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The referrers of a manifest, as OCI distribution 1.1 defines them and oras-go finds them:
 * the {@code /v2/<name>/referrers/<digest>} API with its {@code Link} pages, else the index
 * under the fallback tag, which {@link #pushReferrer} maintains for registries without the API.
 */
final class ReferrersEndpoint {
  /** Pages of one referrers listing followed at most: a {@code Link} chain may never end. */
  private static final int MAX_REFERRER_PAGES = 100;

  /** Referrers one subject may have, over all pages or in the fallback index. */
  private static final int MAX_REFERRERS = 10_000;

  private final RegistryTransport t;
  private final ManifestEndpoint manifests;

  ReferrersEndpoint(RegistryTransport t, ManifestEndpoint manifests) {
    this.t = t;
    this.manifests = manifests;
  }

  /** See {@link RegistryClient#referrers(String, Digest, String)}. */
  List<Descriptor> referrers(String repository, Digest subject, String artifactType)
      throws IOException {
    String query = artifactType == null || artifactType.isEmpty() ? ""
        : "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8);
    URI page = URI.create(t.endpoint(repository, "referrers/" + subject) + query);
    java.util.LinkedHashMap<Digest, Descriptor> found = new java.util.LinkedHashMap<>();
    int listed = 0;
    for (int n = 1; ; n++) {
      String what = "GET " + t.registry() + "/" + repository + " referrers/" + subject
          + (n > 1 ? " (page " + n + ")" : "");
      ReferrersPage p = referrersPage(repository, page, artifactType, n == 1, what);
      if (p == null) {
        break; // no referrers API here: the fallback tag
      }
      listed += p.listed();
      if (listed > MAX_REFERRERS) {
        throw new OciException(what + ": the registry lists more than " + MAX_REFERRERS
            + " referrers of " + subject + " (this client's bound)");
      }
      p.referrers().forEach(d -> found.putIfAbsent(d.digest(), d));
      if (p.next() == null) {
        return List.copyOf(found.values());
      }
      if (n >= MAX_REFERRER_PAGES) {
        throw new OciException(what + ": the registry links more than " + MAX_REFERRER_PAGES
            + " pages of referrers of " + subject + " (this client's bound)");
      }
      page = p.next();
    }
    Optional<TaggedIndex> tagged = fallbackIndex(repository, subject);
    if (tagged.isPresent() && tagged.get().index().manifests().size() > MAX_REFERRERS) {
      throw new OciException("the fallback index " + t.registry() + "/" + repository + ":"
          + Referrers.fallbackTag(subject) + " lists " + tagged.get().index().manifests().size()
          + " referrers, more than this client's bound of " + MAX_REFERRERS);
    }
    return tagged.map(idx -> Referrers.filter(idx.index(), artifactType).manifests())
        .orElse(List.of());
  }

  /**
   * One page of a referrers listing: what it keeps after filtering, how many descriptors it
   * listed, and the next page (null: the last).
   */
  private record ReferrersPage(List<Descriptor> referrers, int listed, URI next) {}

  /**
   * Reads one referrers page; null when the first page shows the registry has no referrers API.
   * A later page must be an index: the registry answered the first one as an API.
   */
  private ReferrersPage referrersPage(String repository, URI uri, String artifactType,
      boolean first, String what) throws IOException {
    HttpResponse<InputStream> r = t.send(repository, PULL, true, () -> HttpRequest.newBuilder(uri)
        .timeout(t.timeout()).header("Accept", MediaTypes.OCI_INDEX).GET(), what);
    String type = r.headers().firstValue("Content-Type").map(Responses::mediaType).orElse("");
    try (InputStream body = r.body()) {
      if (r.statusCode() == 200 && type.equals(MediaTypes.OCI_INDEX)) {
        ImageIndex index = ImageIndex.parse(readBounded(body, MAX_MANIFEST_SIZE, what));
        boolean filtered = r.headers().allValues("OCI-Filters-Applied").stream()
            .anyMatch(v -> List.of(v.split(",")).stream().map(String::strip)
                .anyMatch("artifactType"::equals));
        List<Descriptor> kept = filtered ? index.manifests()
            : Referrers.filter(index, artifactType).manifests();
        return new ReferrersPage(kept, index.manifests().size(), nextPage(r, what));
      }
      if (r.statusCode() == 404 && "NAME_UNKNOWN".equals(error(r, body, what).errorCode())) {
        // No such repository: nothing refers to anything there.
        return new ReferrersPage(List.of(), 0, null);
      }
      if (r.statusCode() != 200 && r.statusCode() != 404) {
        throw error(r, body, what);
      }
      if (!first) {
        throw new RegistryException(r.statusCode(), null, r.statusCode() == 404
            ? "a later page of referrers is missing"
            : "a later page of referrers is " + (type.isEmpty() ? "untyped" : type)
                + ", not an image index", what);
      }
      return null;
    }
  }

  /**
   * The next page a referrers response links to ({@code Link} with {@code rel="next"}, RFC
   * 8288), resolved against the page's URL; null when there is none. Only the registry's own
   * origin is followed: another host would get this client's requests (and learn the
   * repository and subject) on the registry's word alone.
   */
  private URI nextPage(HttpResponse<?> r, String what) throws RegistryException {
    String target = null;
    for (String header : r.headers().allValues("Link")) {
      try {
        target = LinkHeader.nextLinkTarget(header);
      } catch (IllegalArgumentException e) {
        throw new RegistryException(r.statusCode(), null, "malformed Link header \""
            + LinkHeader.abbreviate(header) + "\": " + e.getMessage(), what);
      }
      if (target != null) {
        break;
      }
    }
    if (target == null) {
      return null;
    }
    URI next;
    try {
      next = r.request().uri().resolve(target);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(r.statusCode(), null, "invalid next page link <"
          + LinkHeader.abbreviate(target) + ">", what);
    }
    if (!t.sameOrigin(next)) {
      throw new RegistryException(r.statusCode(), null, "the next page link <"
          + LinkHeader.abbreviate(target) + "> leaves the registry " + t.base().getScheme()
          + "://" + t.registry() + "; not followed", what);
    }
    return next;
  }

  /** The index under the fallback tag of {@code subject}, with its digest, if there is one. */
  private Optional<TaggedIndex> fallbackIndex(String repository, Digest subject)
      throws IOException {
    Optional<Manifest> m = manifests.getManifest(repository, Referrers.fallbackTag(subject));
    if (m.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new TaggedIndex(ImageIndex.parse(m.get().bytes()), m.get().digest()));
  }

  private record TaggedIndex(ImageIndex index, Digest digest) {}

  /** See {@link RegistryClient#pushReferrer(String, byte[], String)}. */
  Descriptor pushReferrer(String repository, byte[] manifestBytes, String mediaType)
      throws IOException {
    ImageManifest m = ImageManifest.parse(manifestBytes);
    Descriptor subject = m.subjectOptional().orElseThrow(
        () -> new OciException("manifest has no subject: it cannot be a referrer"));
    Digest digest = Digest.of(manifestBytes);
    PutResult put = manifests.putManifest(repository, digest.toString(), mediaType, manifestBytes);
    String artifactType = Referrers.artifactType(m);
    Descriptor entry = Descriptor.builder(mediaType, digest, manifestBytes.length)
        .artifactType(artifactType).annotations(m.annotations()).build();
    if (put.subjectProcessed()) {
      return entry;
    }
    Optional<TaggedIndex> old = fallbackIndex(repository, subject.digest());
    List<Descriptor> entries = new java.util.ArrayList<>(
        old.map(t -> t.index().manifests()).orElse(List.of()));
    if (entries.stream().anyMatch(d -> d.digest().equals(digest))) {
      return entry;
    }
    entries.add(entry);
    byte[] index = ImageIndex.of(entries).toJson();
    manifests.putManifest(repository, Referrers.fallbackTag(subject.digest()), MediaTypes.OCI_INDEX,
        index);
    if (old.isPresent() && !old.get().digest().equals(Digest.of(index))) {
      manifests.deleteManifest(repository, old.get().digest());
    }
    return entry;
  }
}
