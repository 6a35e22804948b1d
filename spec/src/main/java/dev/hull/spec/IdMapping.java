package dev.hull.spec;

/** A uid or gid range: {@code size} ids from {@code containerID} map to {@code hostID}. */
public record IdMapping(long containerID, long hostID, long size) {}
