package travelwatch.cli;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import travelwatch.config.TravelWatchConfig;
import travelwatch.kpi.KpiCsv;
import travelwatch.kpi.KpiJson;
import travelwatch.kpi.KpiStore;
import travelwatch.kpi.WeekEnding;
import travelwatch.kpi.WeeklySnapshot;
import travelwatch.kpi.WorkingDays;
import travelwatch.platform.ServiceClock;

/** {@code kpi weekly}: a week's KPI snapshot on stdout, as the API serves it. */
@Command(
    name = "kpi",
    mixinStandardHelpOptions = true,
    description = "KPI snapshots.",
    subcommands = KpiCommand.Weekly.class)
public final class KpiCommand {

  @Command(
      name = "weekly",
      mixinStandardHelpOptions = true,
      description = {
        "Print the latest snapshot of a week (computing version 1 first if there is none).",
        "With --recompute, compute and store a new version now, e.g. after late data."
      })
  static final class Weekly implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(
        names = "--week-ending",
        required = true,
        paramLabel = "D",
        description = "The Friday the week ends on, YYYY-MM-DD.")
    LocalDate weekEnding;

    @Option(names = "--recompute", description = "Store and print a new version.")
    boolean recompute;

    @Option(
        names = "--format",
        defaultValue = "json",
        paramLabel = "FORMAT",
        description = "json (default) or csv.")
    String format;

    @Override
    public Integer call() {
      if (weekEnding.getDayOfWeek() != DayOfWeek.FRIDAY) {
        System.err.println("travelwatch: --week-ending must be a Friday, got " + weekEnding);
        return 2;
      }
      if (!format.equals("json") && !format.equals("csv")) {
        System.err.println("travelwatch: --format must be json or csv");
        return 2;
      }
      WeekEnding week = WeekEnding.of(weekEnding);
      TravelWatchConfig config = common.config();
      WeeklySnapshot snapshot =
          DatabaseSession.run(
              config,
              pool -> {
                KpiStore store =
                    new KpiStore(pool, WorkingDays.england(), config.zone(), ServiceClock.REAL);
                return recompute ? store.recomputeWeekly(week) : store.weekly(week);
              });
      System.out.print(
          format.equals("csv")
              ? KpiCsv.weekly(snapshot)
              : KpiJson.weekly(snapshot).encode() + "\n");
      System.out.flush();
      return 0;
    }
  }
}
