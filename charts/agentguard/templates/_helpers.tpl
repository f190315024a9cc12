{{/*
Object names are fixed, not derived from the release name: the components find each
other by these names (the operator issues agentguard-webhook-tls for the Service
agentguard-webhook, keeps the caBundle of the configurations agentguard-webhook and
agentguard-approvals, the proxies read agentguard-policies ...). One release per cluster.
*/}}

{{/* Labels on every object: the chart's, plus the component's name. */}}
{{- define "agentguard.labels" -}}
{{ include "agentguard.selectorLabels" . }}
app.kubernetes.io/part-of: agentguard
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end }}

{{/* Selector labels (immutable in Deployments and DaemonSets: never add to them). */}}
{{- define "agentguard.selectorLabels" -}}
app.kubernetes.io/name: agentguard-{{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* An image reference: registry/repository:tag, tag defaulting to the chart's appVersion. */}}
{{- define "agentguard.image" -}}
{{- $image := .root.Values.image -}}
{{- printf "%s/%s:%s" $image.registry (index $image.repository .component) (default .root.Chart.AppVersion $image.tag) -}}
{{- end }}

{{/* The hardened container securityContext every agentguard container runs with. */}}
{{- define "agentguard.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end }}

{{/*
Pod-level options of a workload: image pull secrets, nodeSelector, tolerations,
priorityClassName. Called as (dict "root" $ "values" .Values.<component>); empty when none is set.
*/}}
{{- define "agentguard.podOptions" -}}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end }}
