package travelwatch.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import travelwatch.config.TravelWatchConfig;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanJson;
import travelwatch.plan.PlanStore;
import travelwatch.planchange.PlanChanges;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;

/** {@code plan import FILE} and {@code plan generate}. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Import or generate a plan document.",
    subcommands = {PlanCommand.Import.class, PlanCommand.Generate.class})
public final class PlanCommand {

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description =
          "Upsert a plan document as a plan change; nothing is written if it has any problem. A"
              + " change to runs due within 24 hours waits for a manager's approval unless forced.")
  static final class Import implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Parameters(paramLabel = "FILE", description = "The plan document (JSON).")
    Path file;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        description = "Why the plan changes; required for changes to today or the next 7 days.")
    String reason;

    @Option(
        names = "--force",
        description = "Take effect now, even for runs due within 24 hours (an admin's call).")
    boolean force;

    @Override
    public Integer call() throws IOException {
      JsonObject document;
      try {
        document = new JsonObject(Files.readString(file));
      } catch (DecodeException e) {
        System.err.println("travelwatch: " + file + " is not a JSON object");
        return 2;
      }
      try {
        TravelWatchConfig config = common.config();
        PlanChanges.Outcome outcome =
            DatabaseSession.run(
                config,
                pool ->
                    new PlanChanges(
                            pool,
                            new PlanImport(new PlanStore(pool)),
                            ServiceClock.on(ServiceClock.REAL, config.zone()),
                            config.notifications().domain())
                        .submit(
                            document,
                            // Whoever runs the command has the database: an admin, not a manager.
                            new PlanChanges.Author(
                                "cli:" + System.getProperty("user.name", "unknown"), false),
                            Optional.ofNullable(reason),
                            force));
        if (outcome.pending()) {
          System.err.println(
              "travelwatch: plan change "
                  + outcome.changeId()
                  + " touches runs due within 24 hours and waits for a manager's approval");
        }
        System.out.println(outcome.toJson().encode());
        return 0;
      } catch (ApiException e) {
        System.err.println("travelwatch: " + e.getMessage());
        e.errors().forEach(p -> System.err.println("  " + p.field() + ": " + p.message()));
        return 1;
      }
    }
  }

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = "Write a realistic synthetic plan (Birmingham scale by default).")
  static final class Generate implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(
        names = "--routes",
        defaultValue = "1050",
        description = "Routes (each runs AM and PM). Default ${DEFAULT-VALUE}.")
    int routes;

    @Option(
        names = "--councils",
        defaultValue = "1",
        description =
            "Councils of --routes routes each, as one plan (ids of council k > 1 begin Ck-)."
                + " Default ${DEFAULT-VALUE}.")
    int councils;

    @Option(
        names = "--date",
        paramLabel = "D",
        description = "First service date, YYYY-MM-DD (default today in the service's zone).")
    LocalDate date;

    @Option(
        names = "--days",
        defaultValue = "1",
        description = "School days from --date (weekends skipped). Default ${DEFAULT-VALUE}.")
    int days;

    @Option(
        names = "--seed",
        defaultValue = "1",
        description = "Same seed, same plan. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of stdout.")
    Path out;

    @Override
    public Integer call() throws IOException {
      if (routes < 1
          || routes > 100_000
          || days < 1
          || days > 400
          || councils < 1
          || councils > 100) {
        System.err.println(
            "travelwatch: --routes must be 1 to 100000, --days 1 to 400 and --councils 1 to 100");
        return 2;
      }
      // Today where the service runs (TW_ZONE), not in whatever zone this machine is set to.
      LocalDate first = date == null ? LocalDate.now(common.config().zone()) : date;
      Plan plan =
          PlanGenerator.councils(seed, councils, routes, PlanGenerator.schoolDays(first, days));
      String json = PlanJson.write(plan).encode();
      if (out == null) {
        System.out.println(json);
      } else {
        Files.writeString(out, json);
        System.err.printf(
            "Wrote %d operators, %d schools, %d pupils, %d crew, %d routes, %d runs to %s%n",
            plan.operators().size(),
            plan.schools().size(),
            plan.pupils().size(),
            plan.crew().size(),
            plan.routes().size(),
            plan.runs().size(),
            out);
      }
      return 0;
    }
  }
}
