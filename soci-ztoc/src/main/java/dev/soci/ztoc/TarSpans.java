package dev.soci.ztoc;

/**
 * The spans of an uncompressed layer: fixed-size slices of the blob, identical compressed and
 * uncompressed, as its {@link TarZinfo} gives them.
 */
final class TarSpans implements SpanLayout {
  private final TarZinfo zinfo;

  private TarSpans(TarZinfo zinfo) {
    this.zinfo = zinfo;
  }

  /**
   * Decodes and checks a tar zinfo against the zTOC's span count and sizes.
   *
   * @throws ZtocFormatException if the blob is not a tar zinfo, or disagrees with the zTOC
   */
  static TarSpans decode(java.nio.ByteBuffer blob, int maxSpanId, long compressedSize, long uncompressedSize)
      throws ZtocFormatException {
    TarZinfo zinfo = TarZinfo.parse(blob);
    if (zinfo.numSpans() != maxSpanId + 1L) {
      throw new ZtocFormatException(
          "tar zinfo: " + zinfo.numSpans() + " spans but max_span_id " + maxSpanId);
    }
    if (zinfo.size() != compressedSize) {
      throw new ZtocFormatException(
          "tar zinfo: size " + zinfo.size() + " != archive size " + compressedSize);
    }
    // The spans cover the blob, and the tar stream is a prefix of it: a larger stream would
    // hold offsets that no span covers.
    if (uncompressedSize > compressedSize) {
      throw new ZtocFormatException("tar zinfo: uncompressed archive size " + uncompressedSize
          + " exceeds the " + compressedSize + " bytes the spans cover");
    }
    return new TarSpans(zinfo);
  }

  /** The decoded tar zinfo. */
  TarZinfo zinfo() {
    return zinfo;
  }

  @Override
  public int count() {
    return zinfo.numSpans();
  }

  @Override
  public long spanSize() {
    return zinfo.spanSize();
  }

  @Override
  public long compressedStart(int i) {
    return zinfo.spanStart(i);
  }

  @Override
  public long compressedEnd(int i) {
    return zinfo.spanEnd(i);
  }

  @Override
  public long uncompressedStart(int i) {
    return zinfo.spanStart(i);
  }

  /** For a tar layer spans are fixed slices of the blob, and the last one ends at the blob size. */
  @Override
  public long uncompressedEnd(int i) {
    return zinfo.spanEnd(i);
  }

  @Override
  public long[] starts() {
    // Sized by the span count, which decode() tied to the span digests the zTOC holds: a tar
    // zinfo alone is 48 bytes that can declare two billion spans.
    long[] starts = new long[count()];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = i * spanSize();
    }
    return starts;
  }

  @Override
  public int holding(long offset) {
    return (int) Math.min(Math.max(offset, 0) / spanSize(), Math.max(count() - 1, 0));
  }
}
