package dev.soci.oci.fs;

import dev.soci.oci.Platform;
import dev.soci.oci.image.SociImage;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.registry.DockerConfig;
import dev.soci.oci.registry.ImageReference;
import dev.soci.oci.registry.RegistryClient;
import dev.soci.oci.registry.RegistryStore;
import dev.soci.oci.store.ContentStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A {@code soci:} URI taken apart: {@code soci:IMAGE!/PATH}, where IMAGE is {@code
 * oci:LAYOUT-PATH}, {@code oci-archive:LAYOUT-TAR} or {@code docker://HOST/REPO[:TAG][@DIGEST]}
 * and {@code !/PATH} (optional, default {@code /}) a path in the image; the first {@code !/}
 * ends the image part. The image part is made canonical (an absolute normal layout path, the
 * reference as {@link ImageReference} prints it), so that two spellings of one image find one
 * file system.
 *
 * @param key the canonical image part
 * @param path the path in the image
 */
record ImageUri(String key, String path) {
  static final String OCI = "oci:";
  static final String OCI_ARCHIVE = "oci-archive:";
  static final String DOCKER = "docker://";

  /** The environment keys {@link #open} takes. */
  static final Set<String> ENV_KEYS = Set.of("platform", "reference", "plainHttp", "insecure",
      "username", "password", "fetchWholeLayers", "cacheBytes");

  static ImageUri parse(URI uri) {
    if (uri.getScheme() == null
        || !uri.getScheme().equalsIgnoreCase(SociFileSystemProvider.SCHEME)) {
      throw new IllegalArgumentException("not a soci: URI: " + uri);
    }
    String ssp = uri.getSchemeSpecificPart();
    int bang = ssp.indexOf("!/");
    String image = bang < 0 ? ssp : ssp.substring(0, bang);
    String path = bang < 0 ? "/" : ssp.substring(bang + 1);
    if (image.endsWith("!")) {
      image = image.substring(0, image.length() - 1);
    }
    return new ImageUri(canonical(image, uri), path);
  }

  private static String canonical(String image, URI uri) {
    if (image.startsWith(DOCKER)) {
      try {
        return DOCKER + ImageReference.parse(image.substring(DOCKER.length()));
      } catch (IOException e) {
        throw new IllegalArgumentException(uri + ": " + e.getMessage(), e);
      }
    }
    for (String t : new String[] {OCI, OCI_ARCHIVE}) {
      if (image.startsWith(t) && image.length() > t.length()) {
        return t + Path.of(image.substring(t.length())).toAbsolutePath().normalize();
      }
    }
    if (image.startsWith("sha256:")) {
      return image; // a file system made from a store: found only while open
    }
    throw new IllegalArgumentException("soci: URI " + uri + " names no image: expected soci:"
        + "oci:LAYOUT, soci:oci-archive:TAR or soci:docker://HOST/REPO[:TAG], then !/PATH");
  }

  /** Whether the key names a store this class can open (rather than a store's digest). */
  boolean openable() {
    return key.startsWith(OCI) || key.startsWith(OCI_ARCHIVE) || key.startsWith(DOCKER);
  }

  /** Opens the store the key names. */
  ContentStore openStore(Map<String, ?> env) throws IOException {
    if (key.startsWith(DOCKER)) {
      ImageReference ref = ImageReference.parse(key.substring(DOCKER.length()));
      RegistryClient.Builder b = RegistryClient.builder(ref.registry())
          .plainHttp(flag(env, "plainHttp")).insecure(flag(env, "insecure"));
      Object user = env.get("username");
      if (user != null) {
        Object password = env.get("password");
        if (password == null) {
          throw new IllegalArgumentException("env has a username but no password");
        }
        b.credential(new DockerConfig.Credential(user.toString(), password.toString()));
      } else {
        DockerConfig.load().credentialFor(ref.registry()).ifPresent(b::credential);
      }
      return RegistryStore.of(b.build(), ref);
    }
    String p = key.startsWith(OCI) ? key.substring(OCI.length())
        : key.substring(OCI_ARCHIVE.length());
    return OciLayout.open(Path.of(p));
  }

  /** Opens the image in {@code store} as the environment asks. */
  static SociImage openImage(ContentStore store, Map<String, ?> env) throws IOException {
    for (String k : env.keySet()) {
      if (!ENV_KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown soci file system option '" + k
            + "' (known: " + new java.util.TreeSet<>(ENV_KEYS) + ")");
      }
    }
    Object ref = env.get("reference");
    SociImage.Builder b = SociImage.builder(store, store.resolve(ref == null ? null
        : ref.toString()));
    Object platform = env.get("platform");
    if (platform instanceof Platform p) {
      b.platform(p);
    } else if (platform != null) {
      b.platform(Platform.parse(platform.toString()));
    }
    if (env.containsKey("fetchWholeLayers")) {
      b.fetchWholeLayers(flag(env, "fetchWholeLayers"));
    }
    Object cache = env.get("cacheBytes");
    if (cache instanceof Number n) {
      b.cacheBytes(n.longValue());
    } else if (cache != null) {
      b.cacheBytes(Long.parseLong(cache.toString()));
    }
    return b.open();
  }

  private static boolean flag(Map<String, ?> env, String name) {
    Object v = env.get(name);
    if (v == null || v instanceof Boolean) {
      return Boolean.TRUE.equals(v);
    }
    String s = v.toString().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return s.equals("true");
    }
    throw new IllegalArgumentException("option '" + name + "' must be true or false, got '" + v
        + "'");
  }
}
