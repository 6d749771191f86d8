{{/* Names, labels and the pieces every service's pod shares. */}}

{{- define "invigilator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* invigilator.name: <fullname>-<service>; call with (dict "root" $ "name" $name). */}}
{{- define "invigilator.name" -}}
{{- printf "%s-%s" (include "invigilator.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "invigilator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: invigilator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Selector labels of one service; call with (dict "root" $ "name" $name). */}}
{{- define "invigilator.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "invigilator.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end -}}

{{/* The Kafka bootstrap address the services use. */}}
{{- define "invigilator.kafkaBootstrap" -}}
{{- if eq .Values.kafka.mode "strimzi" -}}
{{- $port := ternary 9092 9094 (eq .Values.kafka.strimzi.authentication "none") -}}
{{- printf "%s-kafka-bootstrap:%d" .Values.kafka.strimzi.clusterName (int $port) -}}
{{- else -}}
{{- required "kafka.external.bootstrapServers is required when kafka.mode is external" .Values.kafka.external.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{/* Whether a service uses Kafka at all (its block lists topics, groups or prefixes); call with the block. */}}
{{- define "invigilator.usesKafka" -}}
{{- if or .kafka.produces .kafka.consumes .kafka.groups .kafka.topicPrefixes -}}true{{- end -}}
{{- end -}}

{{/* Kafka environment of one service: bootstrap and, when the listener authenticates, SASL from a Secret. */}}
{{- define "invigilator.kafkaEnv" -}}
{{- $root := .root -}}
{{- $k := $root.Values.kafka -}}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ include "invigilator.kafkaBootstrap" $root | quote }}
{{- if and (eq $k.mode "strimzi") (ne $k.strimzi.authentication "none") }}
- name: KAFKA_SECURITY_PROTOCOL
  value: SASL_PLAINTEXT
- name: KAFKA_SASL_MECHANISM
  value: SCRAM-SHA-512
- name: KAFKA_SASL_USERNAME
  value: {{ include "invigilator.name" (dict "root" $root "name" .name) | quote }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "invigilator.name" (dict "root" $root "name" .name) }}
      key: password
{{- else if eq $k.mode "external" }}
- name: KAFKA_SECURITY_PROTOCOL
  value: {{ $k.external.securityProtocol | quote }}
{{- if hasPrefix "SASL_" $k.external.securityProtocol }}
{{- $secret := printf "%s%s" (required "kafka.external.sasl.userSecretPrefix is required with a SASL_* securityProtocol" $k.external.sasl.userSecretPrefix) .name }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $k.external.sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: username
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: password
{{- end }}
{{- end }}
{{- end -}}

{{/* DATABASE_URL: composed from CloudNativePG's <cluster>-app Secret, or a whole URL from the trust's Secret. */}}
{{- define "invigilator.databaseEnv" -}}
{{- $p := .Values.postgres -}}
{{- if eq $p.mode "cnpg" }}
{{- $secret := printf "%s-app" $p.cnpg.clusterName }}
{{- range $env, $key := dict "PGUSER" "username" "PGPASSWORD" "password" "PGHOST" "host" "PGPORT" "port" "PGDATABASE" "dbname" }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
{{- end }}
- name: DATABASE_URL
  value: "postgresql+psycopg://$(PGUSER):$(PGPASSWORD)@$(PGHOST):$(PGPORT)/$(PGDATABASE)"
{{- else }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "postgres.external.existingSecret is required when postgres.mode is external" $p.external.existingSecret }}
      key: {{ $p.external.urlKey }}
{{- end }}
{{- end -}}

{{/* The container security context every container of the chart gets. */}}
{{- define "invigilator.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The pod security context every pod of the chart gets. */}}
{{- define "invigilator.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "invigilator.opaBundleConfigMap" -}}
{{- include "invigilator.name" (dict "root" . "name" "opa-bundle") -}}
{{- end -}}

{{/* The image of one service; call with (dict "root" $ "svc" $svc). */}}
{{- define "invigilator.image" -}}
{{- if .svc.imageOverride -}}
{{- .svc.imageOverride -}}
{{- else -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .svc.image (include "invigilator.imageTag" .root) -}}
{{- end -}}
{{- end -}}
