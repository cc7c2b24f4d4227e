# Read by CTest after the discovered tests (tests/CMakeLists.txt): the tests
# that build something from scratch get more than the suites' 300 s. A name
# that is not (or no longer) a test is ignored.
set_tests_properties(
  BundleTest.SetupBuildsIosimAndRunAutograderGivesTheCorrectSubmissionFullMarks
  ClassGradingEndToEnd.JobsAndShardsGiveTheSameCsvAsOneAtATime
  SdkTest.InstallLaysOutTheBinariesTheHeaderAndThePackage
  SdkTest.TheInstalledHeaderCompilesAloneInCAndCpp
  SdkTest.TheTemplatePolicyRunsAScenarioAsTheBuiltInFcfsDoes
  SdkTest.TheInstalledIosimFindsItsPolicyHostForASandboxedRun
  SdkTest.ThePracticeTargetGradesTheVisibleCases
  SdkTest.TheStudentGuidesCppPolicyBuildsWithIosimAddPolicy
  PROPERTIES TIMEOUT 1800)
