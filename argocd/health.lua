-- Argo CD health check for every syncabel.io kind (KnowledgeBase, SyntheticDataset, TrainingRun,
-- LinkerDeployment, Evaluation). Register it once for the whole group:
--   resource.customizations.health.syncabel.io_*: |   (this file's content)
-- It reads only what the operator promises: the Ready condition, its reason and observedGeneration,
-- the syncabel.io/paused annotation and spec.suspend.
local hs = {}

local failureReasons = {
  Failed = true, BackoffLimitExceeded = true, DeadlineExceeded = true, OOMKilled = true,
  ImagePullBackOff = true, ErrImagePull = true, CrashLoopBackOff = true, Unschedulable = true,
  InvalidSpec = true,
}

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
elseif ready.reason == "Queued" or ready.reason == "Paused" then
  hs.status = "Suspended"
elseif ready.status == "False" and failureReasons[ready.reason] then
  hs.status = "Degraded"
else
  hs.status = "Progressing"
end
hs.message = text
return hs
