package travelwatch.cli;

import io.vertx.core.Future;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import travelwatch.audit.AuditCsv;
import travelwatch.audit.AuditStore;
import travelwatch.platform.ServiceClock;

/** {@code audit export}: the audit trail of a range of days as CSV on stdout. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Read the audit trail (it cannot be changed from here or anywhere else).",
    subcommands = AuditCommand.Export.class)
public final class AuditCommand {

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Print the audit entries of the days FROM to TO (inclusive, service zone) as CSV,",
        "newest first, optionally only one actor's, one action's or those on one pupil."
      })
  static final class Export implements Callable<Integer> {
    private static final int PAGE = 10_000;

    @Mixin CommonOptions common;

    @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD")
    LocalDate from;

    @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD")
    LocalDate to;

    @Option(names = "--actor", description = "e.g. user:duty@council.example or key:12")
    String actor;

    @Option(names = "--action", description = "e.g. pupil.lookup")
    String action;

    @Option(names = "--pupil", description = "a pupil's reference")
    String pupil;

    @Override
    public Integer call() {
      if (to.isBefore(from)) {
        System.err.println("--to is before --from.");
        return 2;
      }
      ZoneId zone = common.config().zone();
      Instant start = from.atStartOfDay(zone).toInstant();
      Instant end = to.plusDays(1).atStartOfDay(zone).toInstant();
      System.out.print(AuditCsv.header());
      long written =
          DatabaseSession.run(
              common.config(),
              pool -> pages(new AuditStore(pool, ServiceClock.REAL), start, end, null, zone, 0));
      System.err.println(written + " audit entries.");
      return 0;
    }

    /** Prints the page before {@code before} and the pages after it; the number printed. */
    private Future<Long> pages(
        AuditStore store, Instant start, Instant end, Long before, ZoneId zone, long written) {
      return store
          .search(new AuditStore.Query(start, end, actor, action, pupil, before, PAGE))
          .compose(
              found -> {
                System.out.print(AuditCsv.rows(found, zone));
                long total = written + found.size();
                return found.size() < PAGE
                    ? Future.succeededFuture(total)
                    : pages(store, start, end, found.get(found.size() - 1).id(), zone, total);
              });
    }
  }
}
