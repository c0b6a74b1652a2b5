/**
 * Where an image's content lives: {@link dev.soci.oci.store.ContentStore} and the walk over an
 * image's graph that create and convert use on any store (layout directory or archive, new
 * layout, registry repository, memory).
 */
package dev.soci.oci.store;
