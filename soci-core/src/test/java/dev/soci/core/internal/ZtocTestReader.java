package dev.soci.core.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only minimal FlatBuffers reader for the fields of a zTOC these tests compare against:
 * Ztoc slots 0 version, 1 build_tool_identifier, 2 compressed_archive_size,
 * 3 uncompressed_archive_size, 4 toc, 5 compression_info; CompressionInfo slots
 * 0 compression_algorithm, 1 max_span_id, 2 span_digests, 3 checkpoints.
 */
final class ZtocTestReader {
  private final ByteBuffer bb;
  private final int root;

  ZtocTestReader(byte[] ztoc) {
    bb = ByteBuffer.wrap(ztoc).order(ByteOrder.LITTLE_ENDIAN);
    root = bb.getInt(0);
  }

  /** Absolute position of field {@code slot} of the table at {@code table}, or -1 when absent. */
  private int field(int table, int slot) {
    int vt = table - bb.getInt(table);
    int vtSize = bb.getShort(vt) & 0xFFFF;
    int at = 4 + 2 * slot;
    if (at >= vtSize) {
      return -1;
    }
    int off = bb.getShort(vt + at) & 0xFFFF;
    return off == 0 ? -1 : table + off;
  }

  private int deref(int pos) {
    return pos + bb.getInt(pos);
  }

  private String string(int pos) {
    int s = deref(pos);
    int len = bb.getInt(s);
    byte[] b = new byte[len];
    bb.get(s + 4, b);
    return new String(b, StandardCharsets.UTF_8);
  }

  String version() {
    return string(field(root, 0));
  }

  long compressedArchiveSize() {
    int f = field(root, 2);
    return f < 0 ? 0 : bb.getLong(f);
  }

  private int compressionInfo() {
    return deref(field(root, 5));
  }

  int compressionAlgorithm() {
    int f = field(compressionInfo(), 0);
    return f < 0 ? 1 : bb.get(f);
  }

  int maxSpanId() {
    int f = field(compressionInfo(), 1);
    return f < 0 ? 0 : bb.getInt(f);
  }

  List<String> spanDigests() {
    int v = deref(field(compressionInfo(), 2));
    int n = bb.getInt(v);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(string(v + 4 + 4 * i));
    }
    return out;
  }

  byte[] checkpoints() {
    int v = deref(field(compressionInfo(), 3));
    byte[] b = new byte[bb.getInt(v)];
    bb.get(v + 4, b);
    return b;
  }
}
