package travelwatch.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import travelwatch.platform.http.FieldProblem;

/**
 * Validates events against the schemas in the API contract, {@code openapi.yaml}: the document the
 * service publishes is the one that decides what it accepts.
 */
public final class EventSchemas {
  private static final String BASE = "https://travelwatch.local/openapi.yaml";
  private static final Pattern REQUIRED = Pattern.compile("required property \"([^\"]+)\"");
  private static final Pattern ADDITIONAL =
      Pattern.compile("Property \"([^\"]+)\" does not match additional");

  /** A type's checks, and each of its fields' schema ($ref resolved) to explain a refusal. */
  private record TypeSchema(
      CompiledSchema fast, Validator validator, Map<String, JsonObject> properties) {}

  private final Map<EventType, TypeSchema> schemas = new EnumMap<>(EventType.class);

  private EventSchemas(JsonObject contract) {
    JsonObject openApi = contract.copy(); // the schema repository annotates what it is given
    JsonSchemaOptions options =
        new JsonSchemaOptions()
            .setDraft(Draft.DRAFT202012)
            .setBaseUri(BASE)
            .setOutputFormat(OutputFormat.Basic);
    SchemaRepository repository = SchemaRepository.create(options);
    repository.dereference(BASE, JsonSchema.of(openApi));
    JsonObject components = openApi.getJsonObject("components").getJsonObject("schemas");
    for (EventType type : EventType.values()) {
      JsonObject schema = components.getJsonObject(type.schemaName());
      if (schema == null) {
        throw new IllegalStateException("openapi.yaml has no schema " + type.schemaName());
      }
      Map<String, JsonObject> properties = new LinkedHashMap<>();
      JsonObject declared = contract.getJsonObject("components").getJsonObject("schemas");
      JsonObject own = declared.getJsonObject(type.schemaName()).getJsonObject("properties");
      for (String name : own.fieldNames()) {
        JsonObject field = own.getJsonObject(name).copy();
        String ref = field.getString("$ref");
        if (ref != null) {
          field.remove("$ref");
          field =
              declared.getJsonObject(ref.substring(ref.lastIndexOf('/') + 1)).copy().mergeIn(field);
        }
        properties.put(name, field);
      }
      schemas.put(
          type,
          new TypeSchema(
              CompiledSchema.compile(contract, type.schemaName()),
              repository.validator(BASE + "#/components/schemas/" + type.schemaName()),
              properties));
    }
  }

  public static EventSchemas fromContract() {
    return new EventSchemas(loadOpenApi());
  }

  /** The API contract as JSON. */
  public static JsonObject loadOpenApi() {
    try (InputStream in = EventSchemas.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the classpath");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = new ObjectMapper(new YAMLFactory()).readValue(in, Map.class);
      return new JsonObject(map);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The problems with one event of {@code type}, one per field, with the batch index. */
  public List<FieldProblem> problems(EventType type, JsonObject event, Integer index) {
    TypeSchema schema = schemas.get(type);
    if (schema.fast().accepts(event)) {
      return List.of();
    }
    return explain(type, schema, event, index);
  }

  /** The reference validator's verdict, for the differential test of the fast check. */
  boolean referenceAccepts(EventType type, JsonObject event) {
    try {
      return Boolean.TRUE.equals(schemas.get(type).validator().validate(event).getValid());
    } catch (RuntimeException e) {
      return false;
    }
  }

  boolean fastAccepts(EventType type, JsonObject event) {
    return schemas.get(type).fast().accepts(event);
  }

  /** What the reference JSON Schema validator says is wrong, one problem per field. */
  private List<FieldProblem> explain(
      EventType type, TypeSchema schema, JsonObject event, Integer index) {
    OutputUnit result;
    try {
      result = schema.validator().validate(event);
    } catch (RuntimeException e) { // the validator must never turn bad input into a 500
      return List.of(
          new FieldProblem(
              index, "", "could not be checked against the " + type.schemaName() + " schema"));
    }
    if (Boolean.TRUE.equals(result.getValid())) {
      return List.of();
    }
    Map<String, String> byField = new LinkedHashMap<>();
    for (OutputUnit error :
        result.getErrors() == null ? List.<OutputUnit>of() : result.getErrors()) {
      String keyword = error.getKeywordLocation() == null ? "" : error.getKeywordLocation();
      String message = error.getError() == null ? "is invalid" : error.getError();
      if (keyword.endsWith("/properties") || keyword.endsWith("/$ref")) {
        continue; // wrappers around the leaf error that says what is wrong
      }
      if (keyword.endsWith("/required")) {
        Matcher m = REQUIRED.matcher(message);
        byField.putIfAbsent(m.find() ? m.group(1) : "", "is required");
        continue;
      }
      if (keyword.endsWith("/additionalProperties")) {
        Matcher m = ADDITIONAL.matcher(message);
        if (m.find() && !schema.properties().containsKey(m.group(1))) {
          byField.putIfAbsent(
              m.group(1), "unknown field: " + type.wireName() + " has no " + m.group(1));
        }
        continue;
      }
      String field = field(error.getInstanceLocation());
      JsonObject fieldSchema = schema.properties().get(field);
      byField.putIfAbsent(
          field,
          fieldSchema == null
              ? leaf(keyword, message)
              : Explanations.of(
                  keyword, fieldSchema, event.getValue(field), leaf(keyword, message)));
    }
    if (byField.isEmpty()) {
      byField.put("", "does not match the " + type.schemaName() + " schema");
    }
    List<FieldProblem> problems = new ArrayList<>();
    byField.forEach((field, message) -> problems.add(new FieldProblem(index, field, message)));
    return problems;
  }

  private static String field(String instanceLocation) {
    if (instanceLocation == null) {
      return "";
    }
    String f = instanceLocation.startsWith("#") ? instanceLocation.substring(1) : instanceLocation;
    return f.startsWith("/") ? f.substring(1).replace('/', '.') : f;
  }

  private static String leaf(String keyword, String message) {
    if (keyword.endsWith("/pattern")) {
      return "does not have the required format";
    }
    if (keyword.endsWith("/format")) {
      return "must be a real date YYYY-MM-DD";
    }
    return message;
  }
}
