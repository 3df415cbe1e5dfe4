# syntax=docker/dockerfile:1
# TravelWatch as a container: built from source with Maven, run on a Java 17 JRE.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
COPY src src
# The Maven repository is cached between builds; tests run outside the image (mvn -B verify).
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -Dmaven.test.skip=true

FROM eclipse-temurin:17-jre
# curl for the health check; nothing else is added to the JRE image.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /app travelwatch \
    && mkdir -p /app/data && chown travelwatch /app/data
WORKDIR /app
COPY --from=build /build/target/travelwatch.jar /app/travelwatch.jar
USER travelwatch
# HTTP (TW_HTTP_PORT) and the cluster member port (TW_CLUSTER_PORT).
EXPOSE 8080 5701
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=6 \
    CMD curl -fsS http://localhost:8080/health/ready || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/travelwatch.jar"]
CMD ["serve", "--cluster"]
