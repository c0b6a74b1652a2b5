package dev.soci.oci.build;

import dev.soci.oci.Descriptor;
import dev.soci.oci.LayerCompression;

/**
 * What a {@link ZtocFactory} is asked to build.
 *
 * @param layer the image layer's descriptor
 * @param compression {@link LayerCompression#GZIP} or {@link LayerCompression#UNCOMPRESSED}
 * @param spanSize the span size in bytes
 * @param buildToolIdentifier the build-tool identifier to record in the zTOC
 */
public record ZtocRequest(
    Descriptor layer, LayerCompression compression, long spanSize, String buildToolIdentifier) {}
