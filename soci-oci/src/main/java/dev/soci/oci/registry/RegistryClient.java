package dev.soci.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.soci.core.RangeSource;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.InvalidDigestException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.internal.Referrers;
import dev.soci.oci.internal.VerifyingInputStream;
import dev.soci.oci.registry.DockerConfig.Credential;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A client of one registry's OCI distribution API, on the JDK's {@code java.net.http}.
 *
 * <p>Authentication follows the registry's {@code WWW-Authenticate} challenge: anonymous first;
 * on 401 a {@code Basic} challenge is answered with the credential, a {@code Bearer} one with a
 * token from its realm (for the challenge's service and scope, with the credential when there
 * is one; an identity token is exchanged by an OAuth2 refresh-token grant, {@code POST} to the
 * realm with {@code client_id=soci-java}), cached per scope; the request is retried once. Manifests are requested with every
 * manifest and index type in {@code Accept} (registries answer 404, or another manifest, to a
 * narrower one), bounded at {@link #MAX_MANIFEST_SIZE} and checked against the digest they were
 * asked by; blobs are streamed and verified against their descriptor. Redirects are followed
 * for blob reads without forwarding {@code Authorization} to another host. Idempotent requests
 * are retried on 429, 502, 503, 504 and dropped connections, with backoff. The timeout bounds
 * connecting, the wait for each response, and each read of a body (a server that stalls
 * mid-body fails the read with {@link java.net.http.HttpTimeoutException}, see {@link TimedBody}).
 * Blobs larger than the {@linkplain Builder#chunkSize(int) chunk size} are uploaded in chunks,
 * each resent on failure ({@link #pushBlob(String, Descriptor, InputStream)}). Requests go
 * through the proxy the environment names, as Go's {@code ProxyFromEnvironment} picks it
 * ({@link Builder#environment(Map)}); TLS trusts the JDK's CAs, plus those of {@link
 * Builder#caCertificates(Path)}, or nothing is verified ({@link Builder#insecure(boolean)}).
 *
 * <p>Thread-safe; one instance per registry host serves every repository there.
 */
public final class RegistryClient {
  /** Manifests and indexes larger than this are refused (containerd's bound). */
  public static final int MAX_MANIFEST_SIZE = 4 << 20;

  /** Every manifest type this library reads, for {@code Accept}. */
  static final String MANIFEST_ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST,
      MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);

  private static final int MAX_ERROR_BODY = 64 * 1024;
  /** Chunk size of streamed blob uploads unless {@link Builder#chunkSize(int)} says otherwise. */
  public static final int DEFAULT_CHUNK_SIZE = 16 << 20;
  /** The smallest chunk size {@link Builder#chunkSize(int)} takes. */
  public static final int MIN_CHUNK_SIZE = 64 << 10;
  /** The largest chunk size {@link Builder#chunkSize(int)} takes (each is held in memory). */
  public static final int MAX_CHUNK_SIZE = 256 << 20;

  private static final int MAX_REDIRECTS = 10;
  static final int ATTEMPTS = 3;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Token scope actions of a request (each its own cached token). */
  private static final String PULL = "pull";
  private static final String PUSH = "pull,push";
  private static final String DELETE = "delete";

  private final String registry;
  private final URI base;
  private final Duration timeout;
  private final int chunkSize;
  private final HttpClient http;
  private final EnvProxySelector proxies;
  private final Authorizer authorizer;

  private RegistryClient(Builder b) {
    this.registry = b.registry;
    this.base = URI.create((b.plainHttp ? "http://" : "https://") + b.registry);
    this.timeout = b.timeout;
    this.chunkSize = b.chunkSize;
    this.proxies = EnvProxySelector.of(b.environment);
    HttpClient.Builder http = HttpClient.newBuilder()
        .connectTimeout(b.timeout)
        .proxy(proxies)
        .followRedirects(HttpClient.Redirect.NEVER) // followed by hand, without Authorization
        .version(HttpClient.Version.HTTP_1_1);
    if (b.insecure) {
      http.sslContext(TlsContexts.trustingAll());
    } else if (b.sslContext != null) {
      http.sslContext(b.sslContext);
    }
    this.http = http.build();
    this.authorizer = new Authorizer(b.credential, b.plainHttp, b.timeout, (request, what) -> {
      try {
        return this.http.send(viaProxy(request, what), TimedBody.handler(timeout));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted: " + what);
      }
    });
  }

  /** A builder for a client of {@code registry} (a host with optional port). */
  public static Builder builder(String registry) {
    return new Builder(registry);
  }

  /** The registry host this client talks to. */
  public String registry() {
    return registry;
  }

  // ------------------------------------------------------------------ manifests

  /** A manifest or index as the registry holds it. */
  public record Manifest(byte[] bytes, String mediaType, Digest digest) {
    /** Its descriptor. */
    public Descriptor descriptor() {
      return Descriptor.of(mediaType, digest, bytes.length);
    }
  }

  /**
   * The manifest {@code reference} (a tag or a digest) of {@code repository}, or empty when the
   * registry has none (404).
   *
   * @throws RegistryException for other error statuses
   * @throws OciException if it is larger than {@link #MAX_MANIFEST_SIZE} or does not match the
   *     digest it was asked by
   */
  public Optional<Manifest> getManifest(String repository, String reference) throws IOException {
    String what = "GET " + registry + "/" + repository + " manifests/" + reference;
    HttpResponse<InputStream> r = send(repository, PULL, true, () -> request(repository,
        "manifests/" + reference).header("Accept", MANIFEST_ACCEPT).GET(), what);
    try (InputStream body = r.body()) {
      if (r.statusCode() == 404) {
        return Optional.empty();
      }
      checkStatus(r, body, what, 200);
      long declared = contentLength(r);
      if (declared > MAX_MANIFEST_SIZE) {
        throw new OciException("manifest " + reference + " of " + registry + "/" + repository
            + " is " + declared + " bytes, more than the bound of " + MAX_MANIFEST_SIZE);
      }
      byte[] bytes = readBounded(body, MAX_MANIFEST_SIZE, "manifest " + reference);
      Digest digest = Digest.of(bytes);
      Optional<Digest> asked = asDigest(reference);
      if (asked.isPresent() && !asked.get().equals(digest)) {
        throw new OciException("manifest " + reference + " of " + registry + "/" + repository
            + " has digest " + digest + ": the registry sent other content");
      }
      String type = r.headers().firstValue("Content-Type").map(RegistryClient::mediaType)
          .orElse("");
      return Optional.of(new Manifest(bytes, type, digest));
    }
  }

  /** The descriptor of manifest {@code reference}, without its body; empty on 404. */
  public Optional<Descriptor> headManifest(String repository, String reference) throws IOException {
    String what = "HEAD " + registry + "/" + repository + " manifests/" + reference;
    HttpResponse<InputStream> r = send(repository, PULL, true, () -> request(repository,
        "manifests/" + reference).header("Accept", MANIFEST_ACCEPT)
        .method("HEAD", HttpRequest.BodyPublishers.noBody()), what);
    try (InputStream body = r.body()) {
      if (r.statusCode() == 404) {
        return Optional.empty();
      }
      checkStatus(r, body, what, 200);
      String digest = r.headers().firstValue("Docker-Content-Digest")
          .orElseThrow(() -> new OciException(what + ": no Docker-Content-Digest header"));
      long size = contentLength(r);
      if (size < 0) {
        throw new OciException(what + ": no valid Content-Length header");
      }
      if (size > MAX_MANIFEST_SIZE) {
        throw new OciException(what + ": Content-Length " + size + " is not a manifest's size");
      }
      String type = r.headers().firstValue("Content-Type").map(RegistryClient::mediaType).orElse("");
      Digest d = Digest.parse(digest);
      Optional<Digest> asked = asDigest(reference);
      if (asked.isPresent() && !asked.get().equals(d)) {
        throw new OciException(what + ": the registry names digest " + d);
      }
      return Optional.of(Descriptor.of(type, d, size));
    }
  }

  /** What a manifest PUT reported. */
  public record PutResult(Digest digest, boolean subjectProcessed) {}

  /**
   * Stores a manifest under {@code reference} (its digest, or a tag). {@link
   * PutResult#subjectProcessed()} says whether the registry answered with {@code OCI-Subject},
   * i.e. indexed the manifest's {@code subject} for the referrers API itself.
   */
  public PutResult putManifest(String repository, String reference, String mediaType, byte[] bytes)
      throws IOException {
    if (bytes.length > MAX_MANIFEST_SIZE) {
      throw new OciException("manifest of " + bytes.length + " bytes is larger than the bound of "
          + MAX_MANIFEST_SIZE + " registries and readers keep");
    }
    String what = "PUT " + registry + "/" + repository + " manifests/" + reference;
    HttpResponse<InputStream> r = send(repository, PUSH, false, () -> request(repository,
        "manifests/" + reference).header("Content-Type", mediaType)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), what);
    try (InputStream body = r.body()) {
      checkStatus(r, body, what, 201);
    }
    return new PutResult(Digest.of(bytes), r.headers().firstValue("OCI-Subject").isPresent());
  }

  /**
   * Deletes manifest {@code digest}.
   *
   * @return false when the registry does not allow deletes (405), does not permit this one (401,
   *     403) or has no such manifest
   */
  public boolean deleteManifest(String repository, Digest digest) throws IOException {
    String what = "DELETE " + registry + "/" + repository + " manifests/" + digest;
    HttpResponse<InputStream> r = send(repository, DELETE, true, () -> request(repository,
        "manifests/" + digest).DELETE(), what);
    try (InputStream body = r.body()) {
      if (r.statusCode() == 405 || r.statusCode() == 404 || r.statusCode() == 401
          || r.statusCode() == 403) {
        return false; // deletes disabled, not permitted, or nothing there
      }
      checkStatus(r, body, what, 202);
      return true;
    }
  }

  // ------------------------------------------------------------------ referrers

  /** Pages of one referrers listing followed at most: a {@code Link} chain may never end. */
  private static final int MAX_REFERRER_PAGES = 100;

  /** Referrers one subject may have, over all pages or in the fallback index. */
  private static final int MAX_REFERRERS = 10_000;

  /**
   * The referrers of manifest {@code subject} whose {@code artifactType} is {@code artifactType}
   * (all of them when null), as OCI distribution 1.1 defines them and oras-go finds them: the
   * referrers API first, following its {@code Link: <...>; rel="next"} pages (at most 100, on
   * the registry's own origin only); where the registry has none (404 other than {@code
   * NAME_UNKNOWN}, or a first answer that is not an image index), the index under the fallback
   * tag {@code <alg>-<hex>}. Each page is filtered here unless the registry says it filtered it
   * ({@code OCI-Filters-Applied: artifactType}); a referrer listed on two pages (a registry
   * changing between them) is returned once.
   *
   * @throws RegistryException for an error status, a later page that is not an index, or a next
   *     link that is malformed or names another origin
   * @throws OciException if the registry lists more than 10,000 referrers or links more than 100
   *     pages
   */
  public List<Descriptor> referrers(String repository, Digest subject, String artifactType)
      throws IOException {
    String query = artifactType == null || artifactType.isEmpty() ? ""
        : "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8);
    URI page = URI.create(endpoint(repository, "referrers/" + subject) + query);
    java.util.LinkedHashMap<Digest, Descriptor> found = new java.util.LinkedHashMap<>();
    int listed = 0;
    for (int n = 1; ; n++) {
      String what = "GET " + registry + "/" + repository + " referrers/" + subject
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
      throw new OciException("the fallback index " + registry + "/" + repository + ":"
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
    HttpResponse<InputStream> r = send(repository, PULL, true, () -> HttpRequest.newBuilder(uri)
        .timeout(timeout).header("Accept", MediaTypes.OCI_INDEX).GET(), what);
    String type = r.headers().firstValue("Content-Type").map(RegistryClient::mediaType).orElse("");
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
        target = nextLinkTarget(header);
      } catch (IllegalArgumentException e) {
        throw new RegistryException(r.statusCode(), null, "malformed Link header \""
            + abbreviate(header) + "\": " + e.getMessage(), what);
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
          + abbreviate(target) + ">", what);
    }
    if (!sameOrigin(next)) {
      throw new RegistryException(r.statusCode(), null, "the next page link <" + abbreviate(target)
          + "> leaves the registry " + base.getScheme() + "://" + registry + "; not followed",
          what);
    }
    return next;
  }

  /**
   * The target of the first link of {@code header} whose {@code rel} names {@code next}, or
   * null. Link values are {@code <target>} followed by {@code ;name=value} parameters (values
   * quoted or bare), separated by commas.
   *
   * @throws IllegalArgumentException if the header is not of that form
   */
  private static String nextLinkTarget(String header) {
    int i = 0;
    int n = header.length();
    while (true) {
      while (i < n && " \t,".indexOf(header.charAt(i)) >= 0) {
        i++;
      }
      if (i >= n) {
        return null;
      }
      if (header.charAt(i) != '<') {
        throw new IllegalArgumentException("a link must start with '<'");
      }
      int close = header.indexOf('>', i);
      if (close < 0) {
        throw new IllegalArgumentException("no '>' after '<'");
      }
      String target = header.substring(i + 1, close).strip();
      i = close + 1;
      boolean next = false;
      while (i < n && header.charAt(i) != ',') {
        char c = header.charAt(i);
        if (c == ' ' || c == '\t' || c == ';') {
          i++;
          continue;
        }
        int nameEnd = i;
        while (nameEnd < n && "=;, \t".indexOf(header.charAt(nameEnd)) < 0) {
          nameEnd++;
        }
        String name = header.substring(i, nameEnd).toLowerCase(Locale.ROOT);
        i = nameEnd;
        while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
          i++;
        }
        String value = "";
        if (i < n && header.charAt(i) == '=') {
          i++;
          while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
            i++;
          }
          StringBuilder v = new StringBuilder();
          if (i < n && header.charAt(i) == '"') {
            i++;
            while (i < n && header.charAt(i) != '"') {
              if (header.charAt(i) == '\\' && i + 1 < n) {
                i++;
              }
              v.append(header.charAt(i++));
            }
            if (i >= n) {
              throw new IllegalArgumentException("unterminated quoted parameter");
            }
            i++;
          } else {
            while (i < n && ";, \t".indexOf(header.charAt(i)) < 0) {
              v.append(header.charAt(i++));
            }
          }
          value = v.toString();
        }
        if (name.equals("rel")) {
          // rel is a space-separated list of relation types, compared case-insensitively.
          next |= List.of(value.toLowerCase(Locale.ROOT).split("[ \t]+")).contains("next");
        }
      }
      if (next) {
        return target;
      }
    }
  }

  /** {@code s} cut to 200 characters, for a message. */
  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }

  /** The index under the fallback tag of {@code subject}, with its digest, if there is one. */
  private Optional<TaggedIndex> fallbackIndex(String repository, Digest subject) throws IOException {
    Optional<Manifest> m = getManifest(repository, Referrers.fallbackTag(subject));
    if (m.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new TaggedIndex(ImageIndex.parse(m.get().bytes()), m.get().digest()));
  }

  private record TaggedIndex(ImageIndex index, Digest digest) {}

  /**
   * Pushes a manifest that has a {@code subject} (a SOCI index v1) and makes it discoverable as
   * a referrer: stored by digest; if the registry did not answer with {@code OCI-Subject}, its
   * descriptor (media type, digest, size, {@code artifactType}: the manifest's, else its config's
   * media type, and the manifest's annotations) is added to the index under the subject's
   * fallback tag, which is pushed after the manifest, and the index it replaces deleted where
   * the registry allows it. So a failure part-way never leaves the tag listing a manifest that
   * is not there.
   *
   * @throws OciException if the manifest has no subject
   */
  public Descriptor pushReferrer(String repository, byte[] manifestBytes, String mediaType)
      throws IOException {
    ImageManifest m = ImageManifest.parse(manifestBytes);
    Descriptor subject = m.subjectOptional().orElseThrow(
        () -> new OciException("manifest has no subject: it cannot be a referrer"));
    Digest digest = Digest.of(manifestBytes);
    PutResult put = putManifest(repository, digest.toString(), mediaType, manifestBytes);
    String artifactType = !m.artifactType().isEmpty() ? m.artifactType() : m.config().mediaType();
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
    putManifest(repository, Referrers.fallbackTag(subject.digest()), MediaTypes.OCI_INDEX, index);
    if (old.isPresent() && !old.get().digest().equals(Digest.of(index))) {
      deleteManifest(repository, old.get().digest());
    }
    return entry;
  }

  // ------------------------------------------------------------------ blobs

  /** Whether {@code repository} holds blob {@code digest}. */
  public boolean blobExists(String repository, Digest digest) throws IOException {
    String what = "HEAD " + registry + "/" + repository + " blobs/" + digest;
    HttpResponse<InputStream> r = send(repository, PULL, true, () -> request(repository,
        "blobs/" + digest).method("HEAD", HttpRequest.BodyPublishers.noBody()), what);
    try (InputStream body = r.body()) {
      if (r.statusCode() == 404) {
        return false;
      }
      if (r.statusCode() == 307 || r.statusCode() == 302 || r.statusCode() == 303) {
        return true; // redirected to its storage: it is there
      }
      checkStatus(r, body, what, 200);
      return true;
    }
  }

  /**
   * The blob's content, streamed; reading it to the end verifies size and digest (a {@link
   * dev.soci.oci.store.BlobMismatchException} otherwise).
   *
   * @throws RegistryException on an error status, {@code BLOB_UNKNOWN} included
   */
  public InputStream openBlob(String repository, Descriptor blob) throws IOException {
    String what = "GET " + registry + "/" + repository + " blobs/" + blob.digest();
    HttpResponse<InputStream> r = send(repository, PULL, true,
        () -> request(repository, "blobs/" + blob.digest()).GET(), what);
    r = followRedirects(r, what, Map.of());
    InputStream body = r.body();
    try {
      checkStatus(r, body, what, 200);
    } catch (IOException | RuntimeException e) {
      body.close();
      throw e;
    }
    return new VerifyingInputStream(body, blob, registry + "/" + repository);
  }

  /**
   * Random access to a blob by HTTP range requests, for reading spans lazily ({@code LayerReader}
   * over a registry). The size is the descriptor's. Each read is one {@code GET} with {@code
   * Range: bytes=a-b} (redirects followed), and must be answered by a 206 whose {@code
   * Content-Range} is exactly that range of a blob of that size: a server that ignores
   * {@code Range} (200) or answers another range is refused, never taken for the bytes asked
   * for. Connections are reused; reads may run concurrently. The bytes are the registry's: a
   * reader checks them (span digests).
   */
  public RangeSource openRanges(String repository, Descriptor blob) {
    return new RangeSource() {
      @Override
      public long size() {
        return blob.size();
      }

      @Override
      public void readFully(long offset, ByteBuffer dst) throws IOException {
        RangeSource.checkRange(offset, dst.remaining(), blob.size());
        if (dst.hasRemaining()) {
          readRange(repository, blob, offset, dst);
        }
      }
    };
  }

  /** {@link #readRangeOnce}, again from the start when the body breaks off (a dropped connection). */
  private void readRange(String repository, Descriptor blob, long offset, ByteBuffer dst)
      throws IOException {
    int start = dst.position();
    for (int attempt = 1; ; attempt++) {
      try {
        readRangeOnce(repository, blob, offset, dst);
        return;
      } catch (RegistryException e) {
        throw e;
      } catch (java.io.InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (attempt >= ATTEMPTS) {
          throw new RegistryException(0, null, "the connection broke off reading " + dst.remaining()
              + " more bytes (" + e.getMessage() + ")", "GET " + registry + "/" + repository
              + " blobs/" + blob.digest() + " bytes=" + offset + "-");
        }
        dst.position(start);
        backoff(attempt, "range read");
      }
    }
  }

  private void readRangeOnce(String repository, Descriptor blob, long offset, ByteBuffer dst)
      throws IOException {
    int len = dst.remaining();
    long last = offset + len - 1;
    String range = "bytes=" + offset + "-" + last;
    String what = "GET " + registry + "/" + repository + " blobs/" + blob.digest() + " " + range;
    Map<String, String> headers = Map.of("Range", range, "Accept-Encoding", "identity");
    HttpResponse<InputStream> r = send(repository, PULL, true, () -> {
      HttpRequest.Builder b = request(repository, "blobs/" + blob.digest()).GET();
      headers.forEach(b::header);
      return b;
    }, what);
    r = followRedirects(r, what, headers);
    try (InputStream body = r.body()) {
      boolean whole = offset == 0 && len == blob.size();
      if (r.statusCode() == 200) {
        // A 200 is the whole blob: the answer asked for only when the range was the whole blob
        // (RFC 9110 lets a server send it then), and only with exactly that length.
        if (!whole || contentLength(r) != blob.size()) {
          throw new RegistryException(200, null, "the registry ignored the Range header and"
              + " sent the whole blob", what);
        }
      } else {
        checkStatus(r, body, what, 206);
        String expected = "bytes " + offset + "-" + last + "/" + blob.size();
        String got = r.headers().firstValue("Content-Range").orElse("");
        if (!got.strip().equals(expected)
            && !got.strip().equals("bytes " + offset + "-" + last + "/*")) {
          throw new RegistryException(206, null, "the registry answered Content-Range \"" + got
              + "\" for " + expected, what);
        }
      }
      int start = dst.position();
      byte[] buf = new byte[Math.min(len, 64 * 1024)];
      while (dst.hasRemaining()) {
        int n = body.read(buf, 0, Math.min(buf.length, dst.remaining()));
        if (n < 0) {
          throw new RegistryException(206, null, "the response ended after "
              + (dst.position() - start) + " of " + len + " bytes", what);
        }
        dst.put(buf, 0, n);
      }
      // The end of the body, so the connection goes back to the pool (and a longer body than
      // the range is caught rather than ignored).
      if (body.read() >= 0) {
        throw new RegistryException(r.statusCode(), null, "the response is longer than the "
            + len + " bytes asked for", what);
      }
    }
  }

  /**
   * Uploads a blob (POST, then PUT of the content with its digest) unless the repository has it
   * already. The whole body is sent within the {@linkplain Builder#timeout(Duration) timeout}:
   * for a large blob use {@link #pushBlob(String, Descriptor, InputStream)}, which sends chunks.
   *
   * @return whether it was uploaded (false: it was there)
   */
  public boolean pushBlob(String repository, Descriptor blob, HttpRequest.BodyPublisher content)
      throws IOException {
    if (blobExists(repository, blob.digest())) {
      return false;
    }
    URI location = startUpload(repository);
    String put = "PUT " + registry + "/" + repository + " blob upload of " + blob.digest();
    URI target = withQuery(location, "digest=" + URLEncoder.encode(blob.digest().toString(),
        StandardCharsets.UTF_8));
    HttpResponse<InputStream> done = send(repository, PUSH, false, () -> HttpRequest
        .newBuilder(target).timeout(timeout).header("Content-Type", "application/octet-stream")
        .PUT(content), put);
    try (InputStream body = done.body()) {
      checkStatus(done, body, put, 201);
    }
    return true;
  }

  /**
   * Uploads a blob read from {@code content} in chunks of the {@linkplain Builder#chunkSize(int)
   * chunk size} (POST, a PATCH per chunk, then a PUT with the digest and no body), unless the
   * repository has it already (then nothing is read). Each chunk is held in memory until the
   * registry confirms it, and sent again from where the registry says it stopped when its PATCH
   * fails (a dropped connection, 429, 5xx); each PATCH must complete within the {@linkplain
   * Builder#timeout(Duration) timeout}. The bytes are hashed as they are read: content whose
   * size or digest differs from {@code blob} is never committed. The stream is not closed.
   *
   * @return whether it was uploaded (false: it was there)
   * @throws dev.soci.oci.store.BlobMismatchException if the content does not match {@code blob}
   * @throws RegistryException if the registry refuses a request, or a chunk cannot be resent
   *     (the registry cannot say how much of it arrived)
   */
  public boolean pushBlob(String repository, Descriptor blob, InputStream content)
      throws IOException {
    if (blobExists(repository, blob.digest())) {
      return false;
    }
    URI location = startUpload(repository);
    new ChunkedUpload((idempotent, factory, what) -> send(repository, PUSH, idempotent, factory,
        what), timeout, location, blob, registry + "/" + repository).run(content, chunkSize);
    return true;
  }

  /**
   * Uploads a blob from a file: in one PUT when it is at most the {@linkplain
   * Builder#chunkSize(int) chunk size}, else in chunks, as {@link #pushBlob(String, Descriptor,
   * InputStream)} does (the request timeout bounds sending a whole body).
   */
  public boolean pushBlob(String repository, Descriptor blob, Path file) throws IOException {
    if (Files.size(file) <= chunkSize) {
      return pushBlob(repository, blob, HttpRequest.BodyPublishers.ofFile(file));
    }
    try (InputStream in = Files.newInputStream(file)) {
      return pushBlob(repository, blob, in);
    }
  }

  /** Opens an upload session (POST); its Location. */
  private URI startUpload(String repository) throws IOException {
    String start = "POST " + registry + "/" + repository + " blobs/uploads/";
    HttpResponse<InputStream> r = send(repository, PUSH, false, () -> request(repository,
        "blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()), start);
    try (InputStream body = r.body()) {
      checkStatus(r, body, start, 202);
      return uploadLocation(r, start);
    }
  }

  /**
   * Mounts blob {@code digest} from repository {@code from} of the same registry into {@code
   * repository}, without transferring it. Under token auth, one token covers both: push to
   * {@code repository} and pull from {@code from}.
   *
   * @return whether the registry mounted it (false: the caller must upload it)
   */
  public boolean mountBlob(String repository, Digest digest, String from) throws IOException {
    String what = "POST " + registry + "/" + repository + " mount of " + digest + " from " + from;
    String query = "mount=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8)
        + "&from=" + URLEncoder.encode(from, StandardCharsets.UTF_8);
    HttpResponse<InputStream> r = send(List.of(scope(repository, PUSH), scope(from, PULL)), false,
        () -> HttpRequest.newBuilder(withQuery(endpoint(repository, "blobs/uploads/"), query))
            .timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()), what);
    try (InputStream body = r.body()) {
      if (r.statusCode() == 202) {
        cancelUpload(repository, r, what); // an upload session was opened instead
        return false;
      }
      checkStatus(r, body, what, 201);
      return true;
    }
  }

  /** Best effort: DELETE the upload session a refused mount opened, rather than leave it. */
  private void cancelUpload(String repository, HttpResponse<?> opened, String what) {
    try {
      URI location = uploadLocation(opened, what);
      HttpResponse<InputStream> d = send(List.of(scope(repository, PUSH)), true,
          () -> HttpRequest.newBuilder(location).timeout(timeout).DELETE(), "DELETE upload of "
              + what);
      d.body().close();
    } catch (IOException | RuntimeException e) {
      // the session expires on its own; the mount's answer (false) is what matters
    }
  }

  // ------------------------------------------------------------------ plumbing

  /** Builds a request afresh for each attempt (a builder cannot be sent twice). */
  @FunctionalInterface
  interface RequestFactory {
    HttpRequest.Builder create() throws IOException;
  }

  private HttpRequest.Builder request(String repository, String path) {
    return HttpRequest.newBuilder(endpoint(repository, path)).timeout(timeout);
  }

  private URI endpoint(String repository, String path) {
    return base.resolve("/v2/" + repository + "/" + path);
  }

  /**
   * Sends a request, answering an authentication challenge once and retrying idempotent
   * requests on transient failures.
   */
  private HttpResponse<InputStream> send(String repository, String actions, boolean idempotent,
      RequestFactory factory, String what) throws IOException {
    return send(List.of(scope(repository, actions)), idempotent, factory, what);
  }

  /** {@link #send(String, String, boolean, RequestFactory, String)} needing {@code scopes}. */
  private HttpResponse<InputStream> send(List<String> scopes, boolean idempotent,
      RequestFactory factory, String what) throws IOException {
    boolean challenged = false;
    for (int attempt = 1; ; attempt++) {
      HttpRequest.Builder b = factory.create();
      HttpRequest built = b.build();
      String auth = authorizer.header(scopes);
      if (auth != null && sameOrigin(built.uri())) {
        // Never to another host (an upload Location may name one), nor over another scheme.
        built = HttpRequest.newBuilder(built, (k, v) -> true).header("Authorization", auth).build();
      }
      HttpResponse<InputStream> r;
      try {
        r = http.send(viaProxy(built, what), TimedBody.handler(timeout));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted: " + what);
      } catch (IOException e) {
        String tls = TlsContexts.describe(e, registry);
        if (idempotent && attempt < ATTEMPTS && !TlsContexts.isPermanent(e)) {
          backoff(attempt, what);
          continue;
        }
        throw new RegistryException(0, null, tls != null ? tls : "no answer from " + registry
            + ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), what);
      }
      int status = r.statusCode();
      if (status == 401 && !challenged) {
        challenged = true;
        String header = r.headers().firstValue("WWW-Authenticate").orElse("");
        if (authorizer.answer(header, scopes, what)) {
          r.body().close();
          continue;
        }
        return r; // nothing to answer the challenge with: the 401 is the answer
      }
      if (idempotent && attempt < ATTEMPTS
          && (status == 429 || status == 502 || status == 503 || status == 504)) {
        r.body().close();
        backoff(attempt, what);
        continue;
      }
      return r;
    }
  }

  /**
   * {@code request} as it goes to the proxy the environment names for it: with {@code
   * Proxy-Authorization} when the proxy URL has credentials (plain HTTP only).
   *
   * @throws RegistryException when that proxy cannot be used (it is never bypassed)
   */
  private HttpRequest viaProxy(HttpRequest request, String what) throws RegistryException {
    EnvProxySelector.Route route = proxies.route(request.uri());
    if (route.refusal() != null) {
      throw new RegistryException(0, null, route.refusal(), what);
    }
    if (route.proxyAuthorization() == null) {
      return request;
    }
    return HttpRequest.newBuilder(request, (k, v) -> true)
        .header("Proxy-Authorization", route.proxyAuthorization()).build();
  }

  /** The token scope of {@code actions} on {@code repository}. */
  private static String scope(String repository, String actions) {
    return "repository:" + repository + ":" + actions;
  }

  /** Whether {@code uri} is the registry itself: scheme, host and port. */
  private boolean sameOrigin(URI uri) {
    return Objects.equals(uri.getScheme(), base.getScheme())
        && Objects.equals(uri.getHost(), base.getHost()) && port(uri) == port(base);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
  }

  static void backoff(int attempt, String what) throws IOException {
    try {
      Thread.sleep(100L << (2 * (attempt - 1))); // 100 ms, 400 ms
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted: " + what);
    }
  }

  /** Follows blob redirects, dropping Authorization when the host changes. */
  private HttpResponse<InputStream> followRedirects(HttpResponse<InputStream> r, String what,
      Map<String, String> headers) throws IOException {
    for (int i = 0; i < MAX_REDIRECTS; i++) {
      int s = r.statusCode();
      if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
        return r;
      }
      String location = r.headers().firstValue("Location").orElseThrow(
          () -> new RegistryException(s, null, "redirect without a Location", what));
      r.body().close();
      URI next;
      HttpRequest.Builder b;
      try {
        next = r.request().uri().resolve(location);
        if (!"http".equals(next.getScheme()) && !"https".equals(next.getScheme())) {
          throw new IllegalArgumentException("not http(s)");
        }
        b = HttpRequest.newBuilder(next).timeout(timeout).GET();
      } catch (IllegalArgumentException e) {
        throw new RegistryException(s, null, "invalid redirect Location " + location, what);
      }
      headers.forEach(b::header);
      Optional<String> auth = r.request().headers().firstValue("Authorization");
      if (auth.isPresent() && sameOrigin(next)) {
        b.header("Authorization", auth.get());
      }
      try {
        r = http.send(viaProxy(b.build(), what), TimedBody.handler(timeout));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted: " + what);
      }
    }
    r.body().close();
    throw new RegistryException(r.statusCode(), null, "more than " + MAX_REDIRECTS + " redirects",
        what);
  }

  /** Throws the registry's error unless the status is {@code expected}. */
  static void checkStatus(HttpResponse<?> r, InputStream body, String what, int expected)
      throws IOException {
    if (r.statusCode() != expected) {
      throw error(r, body, what);
    }
  }

  /** The error a response reports: its status and the first error of its body, if any. */
  static RegistryException error(HttpResponse<?> r, InputStream body, String what)
      throws IOException {
    int status = r.statusCode();
    String code = null;
    String message = "unexpected status";
    byte[] err;
    try {
      err = readBounded(body, MAX_ERROR_BODY, "error response");
    } catch (IOException unreadable) {
      // Too long, or cut short (2.8.2's 416 declares the whole blob's length): the status says
      // enough.
      err = new byte[0];
    }
    try {
      JsonNode json = err.length == 0 ? null : MAPPER.readTree(err);
      JsonNode first = json != null && json.has("errors") && json.get("errors").isArray()
          && json.get("errors").size() > 0 ? json.get("errors").get(0) : null;
      if (first != null) {
        code = first.path("code").isTextual() ? first.get("code").asText() : null;
        message = first.path("message").isTextual() ? first.get("message").asText() : message;
      }
    } catch (IOException notJson) {
      String text = new String(err, StandardCharsets.UTF_8).strip();
      if (!text.isEmpty()) {
        message = text.lines().findFirst().orElse(text);
      }
    }
    if (message.length() > 300) {
      message = message.substring(0, 300) + "…";
    }
    return new RegistryException(status, code, message.replace('\n', ' '), what);
  }

  static byte[] readBounded(InputStream in, int max, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16 * 1024];
    int n;
    while ((n = in.read(buf)) >= 0) {
      if (out.size() + n > max) {
        throw new OciException(what + " is larger than " + max + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  static URI uploadLocation(HttpResponse<?> r, String what) throws RegistryException {
    String location = r.headers().firstValue("Location").orElseThrow(() -> new RegistryException(
        r.statusCode(), null, "upload started without a Location", what));
    try {
      URI uri = r.request().uri().resolve(location);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new RegistryException(r.statusCode(), null, "invalid upload Location " + location, what);
    }
  }

  static URI withQuery(URI uri, String query) {
    String s = uri.toString();
    return URI.create(s + (uri.getRawQuery() == null ? "?" : "&") + query);
  }

  private static Optional<Digest> asDigest(String reference) {
    if (!reference.contains(":")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Digest.parse(reference));
    } catch (InvalidDigestException e) {
      return Optional.empty();
    }
  }

  /** The declared Content-Length, or -1 when absent or not a number. */
  private static long contentLength(HttpResponse<?> r) {
    try {
      return r.headers().firstValueAsLong("Content-Length").orElse(-1);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A Content-Type without its parameters. */
  private static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).strip()
        .toLowerCase(Locale.ROOT);
  }

  /** Options of a {@link RegistryClient}. */
  public static final class Builder {
    private final String registry;
    private boolean plainHttp;
    private Credential credential;
    private Duration timeout = Duration.ofSeconds(60);
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private Map<String, String> environment = System.getenv();
    private javax.net.ssl.SSLContext sslContext;
    private boolean insecure;

    private Builder(String registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Plain HTTP instead of TLS (a local test registry); off by default. */
    public Builder plainHttp(boolean plainHttp) {
      this.plainHttp = plainHttp;
      return this;
    }

    /** The credential to answer challenges with; none (anonymous) by default. */
    public Builder credential(Credential credential) {
      this.credential = credential;
      return this;
    }

    /** Timeout of connecting and of each request (until its response starts); 60 s by default. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The chunk size of streamed blob uploads, from {@link RegistryClient#MIN_CHUNK_SIZE} (64 KiB)
     * to {@link RegistryClient#MAX_CHUNK_SIZE} (256 MiB); {@link
     * RegistryClient#DEFAULT_CHUNK_SIZE} (16 MiB) by default. One chunk is held in memory per
     * upload, and must be sent within the timeout.
     */
    public Builder chunkSize(int bytes) {
      if (bytes < MIN_CHUNK_SIZE || bytes > MAX_CHUNK_SIZE) {
        throw new IllegalArgumentException("chunk size must be from " + MIN_CHUNK_SIZE + " to "
            + MAX_CHUNK_SIZE + " bytes: " + bytes);
      }
      this.chunkSize = bytes;
      return this;
    }

    /**
     * The environment whose proxy variables route requests, as Go's {@code
     * ProxyFromEnvironment} (Docker, containerd) reads them: {@code HTTPS_PROXY} for https,
     * {@code HTTP_PROXY} for http (or their lower-case forms), except for hosts {@code NO_PROXY}
     * names and, always, {@code localhost} and loopback addresses. Only {@code http://} proxies
     * are supported; credentials in the proxy URL only for plain-HTTP requests (the JDK sends no
     * Basic credentials through a {@code CONNECT} tunnel). A request whose proxy cannot be used
     * fails with a {@link RegistryException} rather than going direct. {@link System#getenv()}
     * by default.
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /**
     * Trusts the certificates of the PEM bundle {@code pemBundle} (a private registry's CA, or
     * its self-signed certificate) besides the JDK's default CAs; host names are still verified.
     * The file is read now.
     *
     * @throws dev.soci.oci.OciException if it holds no certificate or is larger than 8 MiB
     */
    public Builder caCertificates(Path pemBundle) throws IOException {
      this.sslContext = TlsContexts.withCertificates(pemBundle);
      return this;
    }

    /**
     * TLS without any verification: every certificate is accepted, for any host name (for this
     * client only; the JVM-wide {@code jdk.internal.httpclient.disableHostnameVerification} is
     * not needed). Anyone on the path can then read and change the traffic: for test
     * registries only. Overrides {@link #caCertificates(Path)}; off by default.
     */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /** The client. */
    public RegistryClient build() {
      return new RegistryClient(this);
    }
  }
}
