{{- define "syncabel.name" -}}syncabel-operator{{- end -}}

{{- define "syncabel.labels" -}}
app.kubernetes.io/name: {{ include "syncabel.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "syncabel.selector" -}}
app.kubernetes.io/name: {{ include "syncabel.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "syncabel.operatorImage" -}}
{{ .Values.operator.image.repository }}:{{ .Values.operator.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "syncabel.runtimeImage" -}}
{{ .Values.runtime.image.repository }}:{{ .Values.runtime.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "syncabel.storeEndpoint" -}}
{{- if and .Values.minio.enabled (not .Values.store.endpoint) -}}
http://{{ .Release.Name }}-minio.{{ .Release.Namespace }}.svc:9000
{{- else -}}
{{ .Values.store.endpoint }}
{{- end -}}
{{- end -}}

{{/* A map as key=value,key=value (sorted), the format of syncabel.scheduling.gpu-node-selector. */}}
{{- define "syncabel.keyValues" -}}
{{- $pairs := list -}}
{{- range $k, $v := . -}}
{{- $pairs = append $pairs (printf "%s=%v" $k $v) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}
