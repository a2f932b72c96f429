-- Argo CD health check for every syncabel.io kind (KnowledgeBase, SyntheticDataset, TrainingRun,
-- LinkerDeployment, Evaluation), registered once per kind in argocd-cm as
--   resource.customizations.health.syncabel.io_<Kind>: |   (this file's content)
-- (argocd/argocd-cm.yaml; a ConfigMap key cannot hold the wildcard "*").
-- It reads only what the operator promises: the Ready condition, its reason and observedGeneration,
-- the syncabel.io/paused annotation and spec.suspend.
local hs = {}

-- BEGIN generated from io.syncabel.api.v1alpha1.common.Conditions (ArgoCdHealthCheckTest, -Dargocd.update=true)
local degradedReasons = {
  CrashLoopBackOff = true,
  CreateContainerConfigError = true,
  CreateContainerError = true,
  Failed = true,
  FailedCreate = true,
  ImagePullBackOff = true,
  InvalidImageName = true,
  InvalidSpec = true,
  NotAllowed = true,
  OOMKilled = true,
  ReconcileError = true,
  RunContainerError = true,
  Unschedulable = true,
}
local suspendedReasons = {
  Paused = true,
  Queued = true,
}
-- END generated

local function condition(conditions, type)
  if conditions == nil then return nil end
  for _, c in ipairs(conditions) do
    if c.type == type then return c end
  end
  return nil
end

local annotations = obj.metadata.annotations
if annotations ~= nil and annotations["syncabel.io/paused"] == "true" then
  hs.status = "Suspended"
  hs.message = "Paused by the syncabel.io/paused annotation"
  return hs
end

if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "Suspended (spec.suspend)"
  return hs
end

local status = obj.status
local ready = status ~= nil and condition(status.conditions, "Ready") or nil
if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

local generation = obj.metadata.generation
local observed = status.observedGeneration
if ready.observedGeneration ~= nil then observed = ready.observedGeneration end
if generation ~= nil and observed ~= nil and observed < generation then
  hs.status = "Progressing"
  hs.message = "Reconciling generation " .. generation
  return hs
end

local text = (ready.reason or "") .. ((ready.message ~= nil and ready.message ~= "") and (": " .. ready.message) or "")
if ready.status == "True" then
  hs.status = "Healthy"
elseif suspendedReasons[ready.reason] then
  hs.status = "Suspended"
elseif ready.status == "False" and degradedReasons[ready.reason] then
  hs.status = "Degraded"
else
  hs.status = "Progressing"
end
hs.message = text
return hs
