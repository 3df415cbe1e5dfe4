package travelwatch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, checked on every build: packages by capability with no cycle between any
 * two of them, and the domain (rules, state, ETA, KPI arithmetic, working days, the day script) in
 * plain Java with time passed in.
 */
@DisplayName("The code's shape: capabilities without cycles, a plain-Java domain")
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("travelwatch");

  static final ArchRule NO_CYCLE =
      slices().matching("travelwatch.(**)").as("travelwatch's packages").should().beFreeOfCycles();

  /** The entry point sits on top: nothing below it may reach back up to it. */
  static final ArchRule ENTRY_POINT_ON_TOP =
      noClasses()
          .that()
          .resideOutsideOfPackage("travelwatch")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("travelwatch");

  static final ArchRule PLAIN_DOMAIN =
      noClasses()
          .that()
          .haveFullyQualifiedName("travelwatch.monitor.Monitor")
          .or()
          .haveFullyQualifiedName("travelwatch.monitor.RunRules")
          .or()
          .haveFullyQualifiedName("travelwatch.monitor.RunState")
          .or()
          .haveFullyQualifiedName("travelwatch.monitor.RunPlan")
          .or()
          .haveFullyQualifiedName("travelwatch.monitor.RunPlans")
          .or()
          .haveFullyQualifiedName("travelwatch.monitor.Eta")
          .or()
          .haveFullyQualifiedName("travelwatch.monitor.Geo")
          .or()
          .haveFullyQualifiedName("travelwatch.monitor.RunProgress")
          .or()
          .haveFullyQualifiedName("travelwatch.monitor.CallsWindow")
          .or()
          .haveFullyQualifiedName("travelwatch.monitor.CrewRegistry")
          .or()
          .haveFullyQualifiedName("travelwatch.monitor.CrewCompliance")
          .or()
          .haveFullyQualifiedName("travelwatch.monitor.Observation")
          .or()
          .haveFullyQualifiedName("travelwatch.alert.Condition")
          .or()
          .haveFullyQualifiedName("travelwatch.alert.AlertType")
          .or()
          .haveFullyQualifiedName("travelwatch.config.MonitorSettings")
          .or()
          .haveFullyQualifiedName("travelwatch.kpi.KpiFigures")
          .or()
          .haveFullyQualifiedName("travelwatch.kpi.Percentage")
          .or()
          .haveFullyQualifiedName("travelwatch.kpi.WorkingDays")
          .or()
          .haveFullyQualifiedName("travelwatch.kpi.WeekEnding")
          .or()
          .haveFullyQualifiedName("travelwatch.kpi.ReportingPeriod")
          .or()
          .haveFullyQualifiedName("travelwatch.kpi.KpiSchedule")
          .or()
          .haveFullyQualifiedName("travelwatch.sim.DayScript")
          .or()
          .haveFullyQualifiedName("travelwatch.plan.Plan")
          .or()
          .haveFullyQualifiedName("travelwatch.plan.PlanGenerator")
          .or()
          .haveFullyQualifiedName("travelwatch.webhook.Signature")
          .or()
          .haveFullyQualifiedName("travelwatch.webhook.Destination")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.vertx..", "io.netty..", "java.sql..", "org.postgresql..")
          .as("domain classes use no Vert.x, Netty or SQL");

  @Test
  @DisplayName("No two of travelwatch's packages depend on each other, directly or round about")
  void noCycleBetweenPackages() {
    NO_CYCLE.check(MAIN);
  }

  @Test
  @DisplayName("Nothing depends on the entry point, Main")
  void entryPointOnTop() {
    ENTRY_POINT_ON_TOP.check(MAIN);
  }

  @Test
  @DisplayName(
      "Rules, state, ETA, KPI arithmetic, working days, the day script, webhook signatures and"
          + " address checks use no Vert.x or SQL")
  void domainIsPlainJava() {
    PLAIN_DOMAIN.check(MAIN);
  }
}
