package dev.soci.oci.internal;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MalformedJsonException;
import dev.soci.oci.OciException;
import dev.soci.oci.Platform;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading the OCI JSON documents as Go's {@code encoding/json} decodes them (the writing side
 * is {@link GoJson}): through Jackson's tree model, then fields mapped like Go does: unknown
 * fields are ignored, a field name matches case-insensitively when no exact match exists, JSON
 * {@code null} leaves a field at its zero value, and a value of the wrong type is an error.
 * Trailing content after the top-level value is an error, as in Go.
 */
public final class GoJsonReader {
  private GoJsonReader() {}

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static JsonNode readTree(byte[] json, String what) throws MalformedJsonException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedJsonException(
          "malformed " + what + " JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new MalformedJsonException("malformed " + what + " JSON: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new MalformedJsonException("empty " + what + " JSON");
    }
    if (!root.isObject()) {
      throw new MalformedJsonException(what + " JSON is not an object");
    }
    return root;
  }

  /**
   * Reads a JSON object into ordered maps, lists, strings, numbers and booleans.
   *
   * @throws MalformedJsonException when it is not well-formed JSON or not an object
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readObject(byte[] json, String what)
      throws MalformedJsonException {
    JsonNode root = readTree(json, what);
    return MAPPER.convertValue(root, LinkedHashMap.class);
  }

  /** The fields of an object node keyed by the Go field each one sets (last one wins). */
  static Map<String, JsonNode> fields(JsonNode obj, String where, String... known)
      throws MalformedJsonException {
    if (!obj.isObject()) {
      throw new MalformedJsonException(where + ": expected an object, got " + kind(obj));
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String match = null;
      for (String k : known) {
        if (k.equals(e.getKey())) {
          match = k;
          break;
        }
      }
      if (match == null) {
        for (String k : known) {
          if (k.equalsIgnoreCase(e.getKey())) {
            match = k;
            break;
          }
        }
      }
      if (match != null && !e.getValue().isNull()) {
        out.put(match, e.getValue());
      }
    }
    return out;
  }

  private static String kind(JsonNode n) {
    return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  static String string(Map<String, JsonNode> f, String name, String where)
      throws MalformedJsonException {
    JsonNode n = f.get(name);
    if (n == null) {
      return "";
    }
    if (!n.isTextual()) {
      throw new MalformedJsonException(
          where + "." + name + ": expected a string, got " + kind(n));
    }
    return n.textValue();
  }

  static long integer(Map<String, JsonNode> f, String name, String where, long min, long max)
      throws MalformedJsonException {
    JsonNode n = f.get(name);
    if (n == null) {
      return 0;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()
        || n.longValue() < min || n.longValue() > max) {
      throw new MalformedJsonException(
          where + "." + name + ": expected an integer in [" + min + ", " + max + "], got "
              + n);
    }
    return n.longValue();
  }

  static List<String> strings(Map<String, JsonNode> f, String name, String where)
      throws MalformedJsonException {
    JsonNode n = f.get(name);
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new MalformedJsonException(where + "." + name + ": expected an array, got " + kind(n));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (e.isNull()) {
        out.add("");
      } else if (e.isTextual()) {
        out.add(e.textValue());
      } else {
        throw new MalformedJsonException(where + "." + name + ": expected strings");
      }
    }
    return out;
  }

  static Map<String, String> stringMap(Map<String, JsonNode> f, String name, String where)
      throws MalformedJsonException {
    JsonNode n = f.get(name);
    if (n == null) {
      return Map.of();
    }
    if (!n.isObject()) {
      throw new MalformedJsonException(where + "." + name + ": expected an object, got " + kind(n));
    }
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = n.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isNull()) {
        out.put(e.getKey(), "");
      } else if (v.isTextual()) {
        out.put(e.getKey(), v.textValue());
      } else {
        throw new MalformedJsonException(
            where + "." + name + "[\"" + e.getKey() + "\"]: expected a string, got " + kind(v));
      }
    }
    return out;
  }

  static Platform readPlatform(JsonNode n, String where) throws MalformedJsonException {
    Map<String, JsonNode> f =
        fields(n, where, "architecture", "os", "os.version", "os.features", "variant");
    return new Platform(
        string(f, "architecture", where),
        string(f, "os", where),
        string(f, "os.version", where),
        strings(f, "os.features", where),
        string(f, "variant", where));
  }

  static Descriptor readDescriptor(JsonNode n, String where) throws OciException {
    Map<String, JsonNode> f = fields(n, where, "mediaType", "digest", "size", "urls",
        "annotations", "data", "platform", "artifactType");
    if (!f.containsKey("digest")) {
      throw new MalformedJsonException(where + ": descriptor has no digest");
    }
    Digest digest = Digest.parse(string(f, "digest", where));
    byte[] data = null;
    String b64 = string(f, "data", where);
    if (!b64.isEmpty()) {
      try {
        data = Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException e) {
        throw new MalformedJsonException(where + ".data: invalid base64", e);
      }
    }
    JsonNode p = f.get("platform");
    return new Descriptor(
        string(f, "mediaType", where),
        digest,
        integer(f, "size", where, 0, Long.MAX_VALUE),
        strings(f, "urls", where),
        stringMap(f, "annotations", where),
        data,
        p == null ? null : readPlatform(p, where + ".platform"),
        string(f, "artifactType", where));
  }

  static List<Descriptor> readDescriptors(Map<String, JsonNode> f, String name, String where)
      throws OciException {
    JsonNode n = f.get(name);
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new MalformedJsonException(where + "." + name + ": expected an array, got " + kind(n));
    }
    List<Descriptor> out = new ArrayList<>();
    int i = 0;
    for (JsonNode e : n) {
      out.add(readDescriptor(e, where + "." + name + "[" + i++ + "]"));
    }
    return out;
  }

  /** Parses an image manifest strictly (unknown fields dropped, wrong types refused). */
  public static ImageManifest readManifest(byte[] json) throws OciException {
    String w = "manifest";
    Map<String, JsonNode> f = fields(readTree(json, w), w, "schemaVersion", "mediaType",
        "artifactType", "config", "layers", "subject", "annotations");
    JsonNode config = f.get("config");
    if (config == null) {
      throw new MalformedJsonException("manifest has no config");
    }
    JsonNode subject = f.get("subject");
    return new ImageManifest(
        (int) integer(f, "schemaVersion", w, Integer.MIN_VALUE, Integer.MAX_VALUE),
        string(f, "mediaType", w),
        string(f, "artifactType", w),
        readDescriptor(config, w + ".config"),
        readDescriptors(f, "layers", w),
        subject == null ? null : readDescriptor(subject, w + ".subject"),
        stringMap(f, "annotations", w));
  }

  /** Parses an image index strictly (unknown fields dropped, wrong types refused). */
  public static ImageIndex readIndex(byte[] json) throws OciException {
    String w = "index";
    Map<String, JsonNode> f = fields(readTree(json, w), w, "schemaVersion", "mediaType",
        "artifactType", "manifests", "subject", "annotations");
    JsonNode subject = f.get("subject");
    return new ImageIndex(
        (int) integer(f, "schemaVersion", w, Integer.MIN_VALUE, Integer.MAX_VALUE),
        string(f, "mediaType", w),
        string(f, "artifactType", w),
        readDescriptors(f, "manifests", w),
        subject == null ? null : readDescriptor(subject, w + ".subject"),
        stringMap(f, "annotations", w));
  }
}
