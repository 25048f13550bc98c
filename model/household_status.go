package model

// Household statuses (households.status). The 防返贫监测 system marks a
// monitored household whose risk is gone as 风险已消除 and keeps it on file;
// a household that no longer exists (everyone moved away or died) is
// cancelled. Both stay in the table: records people entered are never
// deleted.
const (
	HouseholdActive      = "active"       // 正常 (for 监测对象: 风险未消除)
	HouseholdRiskCleared = "risk_cleared" // 风险已消除: still on file and still visited, no longer a 监测对象 in practice
	HouseholdCancelled   = "cancelled"    // 已注销: left out of due lists and exports
)

// HouseholdStatuses maps statuses to Chinese names.
var HouseholdStatuses = map[string]string{
	HouseholdActive:      "正常",
	HouseholdRiskCleared: "风险已消除",
	HouseholdCancelled:   "已注销",
}
