package travelwatch.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import travelwatch.ingest.EventSchemas;

/** The API contract's schemas, to check that responses are what {@code openapi.yaml} says. */
public final class Contract {
  private static final String BASE = "https://travelwatch.local/openapi.yaml";
  private final SchemaRepository repository;

  public Contract() {
    repository =
        SchemaRepository.create(
            new JsonSchemaOptions()
                .setDraft(Draft.DRAFT202012)
                .setBaseUri(BASE)
                .setOutputFormat(OutputFormat.Basic));
    repository.dereference(BASE, JsonSchema.of(EventSchemas.loadOpenApi().copy()));
  }

  /** A validator for {@code #/components/schemas/NAME}. */
  public Validator validator(String schemaName) {
    return repository.validator(BASE + "#/components/schemas/" + schemaName);
  }

  /** Asserts that {@code json} is valid against the named schema. */
  public void assertValid(String schemaName, JsonObject json) {
    OutputUnit result = validator(schemaName).validate(json);
    assertThat(result.getValid()).as(schemaName + ": " + result.getErrors()).isTrue();
  }
}
