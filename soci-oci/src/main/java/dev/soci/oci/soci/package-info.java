/**
 * The SOCI index model: the index manifest (v1 with a subject, v2 without), zTOC and
 * prefetch descriptors, the prefetch artifact.
 */
package dev.soci.oci.soci;
