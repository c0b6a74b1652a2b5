package dev.soci.oci.build;

import dev.soci.oci.Platform;
import dev.soci.oci.index.SociIndex;
import dev.soci.ztoc.ZtocBuilder;
import java.util.List;
import java.util.Objects;

/**
 * Options of index building; defaults match the reference CLI.
 *
 * @param spanSize span size (default 4 MiB)
 * @param minLayerSize layers smaller than this get no zTOC (default 10 MiB)
 * @param buildToolIdentifier build-tool identifier, recorded in every zTOC and index (default {@link
 *     ZtocBuilder#DEFAULT_BUILD_TOOL_IDENTIFIER}, naming this library; set {@link
 *     SociIndex#REFERENCE_BUILD_TOOL_IDENTIFIER} for output byte-identical to the reference CLI's)
 * @param optimizeXattrs add {@code disable-xattrs} to xattr-free layers (default off)
 * @param platforms platforms to index (default: the host platform)
 * @param allPlatforms index every manifest of the image (default off)
 * @param force rebuild every zTOC even when the layout already holds one for the same layer
 *     and span size (default off: such zTOCs are reused)
 * @param prefetchPaths paths whose spans get a prefetch artifact in each layer holding them
 *     (default none)
 * @param threads layers indexed at once (default: the cores, at most 4)
 */
public record SociOptions(
    long spanSize,
    long minLayerSize,
    String buildToolIdentifier,
    boolean optimizeXattrs,
    List<Platform> platforms,
    boolean allPlatforms,
    boolean force,
    List<String> prefetchPaths,
    int threads) {

  /**
   * Validates.
   *
   * @param spanSize span size in bytes; positive
   * @param minLayerSize layers smaller than this many bytes get no zTOC; not negative
   * @param buildToolIdentifier build-tool identifier recorded in every zTOC and index; not null
   * @param optimizeXattrs add {@code disable-xattrs} to xattr-free layers
   * @param platforms platforms to index (copied)
   * @param allPlatforms index every manifest of the image, whatever {@code platforms} says
   * @param force rebuild every zTOC rather than reuse one the layout holds
   * @param prefetchPaths paths whose spans get a prefetch artifact (copied)
   * @param threads layers indexed at once; positive
   * @throws IllegalArgumentException when a size or {@code threads} is out of range
   */
  public SociOptions {
    if (spanSize <= 0) {
      throw new IllegalArgumentException("span size must be positive");
    }
    if (minLayerSize < 0) {
      throw new IllegalArgumentException("minimum layer size must not be negative");
    }
    Objects.requireNonNull(buildToolIdentifier, "buildToolIdentifier");
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    platforms = List.copyOf(platforms);
    prefetchPaths = List.copyOf(prefetchPaths);
  }

  /**
   * The defaults.
   *
   * @return the options {@link #builder()} starts from, unchanged
   */
  public static SociOptions defaults() {
    return builder().build();
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder holding the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link SociOptions}. */
  public static final class Builder {
    private long spanSize = ZtocBuilder.DEFAULT_SPAN_SIZE;
    private long minLayerSize = SociIndex.DEFAULT_MIN_LAYER_SIZE;
    private String buildToolIdentifier = ZtocBuilder.DEFAULT_BUILD_TOOL_IDENTIFIER;
    private boolean optimizeXattrs;
    private List<Platform> platforms = List.of(Platform.host());
    private boolean allPlatforms;
    private boolean force;
    private List<String> prefetchPaths = List.of();
    private int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private Builder() {}

    /**
     * Sets the span size in bytes.
     *
     * @param v the span size in bytes (default 4 MiB); checked by {@link #build()}
     * @return this builder
     */
    public Builder spanSize(long v) {
      spanSize = v;
      return this;
    }

    /**
     * Sets the minimum layer size in bytes.
     *
     * @param v the size in bytes below which a layer gets no zTOC (default 10 MiB)
     * @return this builder
     */
    public Builder minLayerSize(long v) {
      minLayerSize = v;
      return this;
    }

    /**
     * Sets the build-tool identifier.
     *
     * @param v the identifier recorded in every zTOC and index; not null
     * @return this builder
     */
    public Builder buildToolIdentifier(String v) {
      buildToolIdentifier = v;
      return this;
    }

    /**
     * Turns the experimental xattr optimisation on or off.
     *
     * @param v true to add {@code disable-xattrs} to xattr-free layers (default off)
     * @return this builder
     */
    public Builder optimizeXattrs(boolean v) {
      optimizeXattrs = v;
      return this;
    }

    /**
     * Chooses the platforms to index.
     *
     * @param v the platforms (default: the host's); copied by {@link #build()}
     * @return this builder
     */
    public Builder platforms(List<Platform> v) {
      platforms = v;
      return this;
    }

    /**
     * Indexes every manifest, whatever its platform.
     *
     * @param v true to index every manifest of an image index (default off)
     * @return this builder
     */
    public Builder allPlatforms(boolean v) {
      allPlatforms = v;
      return this;
    }

    /**
     * How many layers are indexed at once (default: the cores, at most 4). Each build reads its
     * layer once and holds bounded memory, so this bounds both threads and memory.
     *
     * @param v the number of layers indexed at once; positive, checked by {@link #build()}
     * @return this builder
     */
    public Builder threads(int v) {
      threads = v;
      return this;
    }

    /**
     * Rebuilds zTOCs even when matching ones exist.
     *
     * @param v true to rebuild every zTOC (default off: matching ones are reused)
     * @return this builder
     */
    public Builder force(boolean v) {
      force = v;
      return this;
    }

    /**
     * Sets the paths to prefetch (the spans holding their data are listed in a prefetch
     * artifact next to the index).
     *
     * @param v the paths in the image (default none); copied by {@link #build()}
     * @return this builder
     */
    public Builder prefetchPaths(List<String> v) {
      prefetchPaths = v;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options set so far
     * @throws IllegalArgumentException when a size or the thread count is out of range
     */
    public SociOptions build() {
      return new SociOptions(spanSize, minLayerSize, buildToolIdentifier, optimizeXattrs, platforms,
          allPlatforms, force, prefetchPaths, threads);
    }
  }
}
