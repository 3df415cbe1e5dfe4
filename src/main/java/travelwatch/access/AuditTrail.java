package travelwatch.access;

import io.vertx.core.Future;

/**
 * Where the record of who reached a named child's data, or changed something, is written: one
 * append-only entry per access, stored before the answer (the {@code audit} capability keeps it).
 */
public interface AuditTrail {

  /** One access: who ({@link Caller#actor()}), from where, what, on which object and pupil. */
  record Entry(
      String actor,
      String address,
      String action,
      String objectType,
      String objectId,
      String pupilId) {}

  Future<Void> record(Entry entry);

  /** A trail that keeps nothing, for tools that run without the audit capability. */
  AuditTrail NONE = entry -> Future.succeededFuture();
}
