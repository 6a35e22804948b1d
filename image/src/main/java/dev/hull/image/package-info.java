/** OCI images: the content-addressed store, archive load and save, layer unpacking, overlay snapshots. */
package dev.hull.image;
